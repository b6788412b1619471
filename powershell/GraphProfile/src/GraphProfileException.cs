// A failed call of libgraph_profile, with everything the library knew about it, and its
// translation into the ErrorRecord shape PowerShell users expect.

using System;
using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Text.Json;
using GraphProfile.Native;

namespace GraphProfile
{
    /// <summary>
    /// A failure reported by libgraph_profile: its result code and, when known, the HTTP
    /// status, Graph's error code and error JSON, the request ids, the facet and the field.
    /// </summary>
    public class GraphProfileException : Exception
    {
        /// <summary>Makes an exception raised by the module itself, not by the library.</summary>
        public GraphProfileException(string name, string message)
            : base(message)
        {
            Name = name;
        }

        private GraphProfileException(string message) : base(message)
        {
        }

        /// <summary>The ABI result code (200 validation, 300 not found, ...).</summary>
        public int Code { get; private set; }

        /// <summary>The result code's name, "GP_ERR_NOT_FOUND".</summary>
        public string Name { get; private set; }

        /// <summary>The core's error kind ("validation", "notFound"), or null.</summary>
        public string Kind { get; private set; }

        /// <summary>The HTTP status the service answered, or 0.</summary>
        public int HttpStatus { get; private set; }

        /// <summary>Graph's error code ("Request_ResourceNotFound"), or null.</summary>
        public string GraphCode { get; private set; }

        /// <summary>The service's request-id, for Microsoft support, or null.</summary>
        public string RequestId { get; private set; }

        /// <summary>The client-request-id sent with the request, or null.</summary>
        public string ClientRequestId { get; private set; }

        /// <summary>The facet of a validation failure, or null.</summary>
        public string Facet { get; private set; }

        /// <summary>The field a validation failure names ("endDate"), or null.</summary>
        public string Field { get; private set; }

        /// <summary>Graph's error JSON as the service sent it, or null.</summary>
        public string GraphErrorJson { get; private set; }

        /// <summary>The library's whole error detail as JSON.</summary>
        public string DetailJson { get; private set; }

        /// <summary>
        /// The calling thread's last error.  Must run on the thread that made the failed call.
        /// </summary>
        internal static GraphProfileException FromLastError(int code)
        {
            string json = NativeMethods.Borrowed(NativeMethods.gp_last_error_json());
            if (json == null)
            {
                string name = NativeMethods.Borrowed(NativeMethods.gp_result_name(code));
                string message = "libgraph_profile failed with " + (name ?? code.ToString());
                return new GraphProfileException(message)
                {
                    Code = code,
                    Name = name,
                };
            }

            using (JsonDocument document = JsonDocument.Parse(json))
            {
                JsonElement root = document.RootElement;
                string text = Text(root, "message") ?? "libgraph_profile failed";
                var error = new GraphProfileException(text)
                {
                    Code = code,
                    Name = Text(root, "name"),
                    Kind = Text(root, "kind"),
                    GraphCode = Text(root, "graphCode"),
                    RequestId = Text(root, "requestId"),
                    ClientRequestId = Text(root, "clientRequestId"),
                    Facet = Text(root, "facet"),
                    Field = Text(root, "field"),
                    DetailJson = json,
                };
                JsonElement value;
                if (root.TryGetProperty("httpStatus", out value)
                    && value.ValueKind == JsonValueKind.Number)
                {
                    error.HttpStatus = value.GetInt32();
                }
                if (root.TryGetProperty("graphError", out value)
                    && value.ValueKind == JsonValueKind.Object)
                {
                    error.GraphErrorJson = value.GetRawText();
                    JsonElement target;
                    if (error.Field == null && value.TryGetProperty("target", out target)
                        && target.ValueKind == JsonValueKind.String)
                    {
                        // A 400 from the service names the field in Graph's "target".
                        error.Field = target.GetString();
                    }
                }
                return error;
            }
        }

        private static string Text(JsonElement root, string name)
        {
            JsonElement value;
            return root.TryGetProperty(name, out value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
        }

        /// <summary>
        /// The last part of the ErrorId: "Validation" in "ProfileCertificationValidation".
        /// These words are part of the module's interface: scripts match on them.
        /// </summary>
        public string ErrorIdSuffix
        {
            get
            {
                if (IsRefusedInput)
                {
                    return "Validation";
                }
                switch (Name)
                {
                    case "GP_ERR_VALIDATION": return "Validation";
                    case "GP_ERR_CONFIG": return "Configuration";
                    case "GP_ERR_NOT_FOUND": return "NotFound";
                    case "GP_ERR_UNAUTHORIZED": return "Unauthorized";
                    case "GP_ERR_FORBIDDEN": return "Forbidden";
                    case "GP_ERR_CONFLICT": return "Conflict";
                    case "GP_ERR_THROTTLED": return "Throttled";
                    case "GP_ERR_SERVICE": return "ServiceError";
                    case "GP_ERR_FAILED_DEPENDENCY": return "FailedDependency";
                    case "GP_ERR_TRANSPORT": return "ConnectionFailed";
                    case "GP_ERR_TIMEOUT": return "Timeout";
                    case "GP_ERR_CANCELLED": return "Cancelled";
                    case "GP_ERR_UNKNOWN_FACET": return "UnknownFacet";
                    case "GP_ERR_NOT_IMPLEMENTED": return "NotImplemented";
                    case "GP_ERR_PANIC":
                    case "GP_ERR_INTERNAL": return "InternalError";
                    default: return Code >= 100 && Code < 200 ? "InvalidArgument" : "Failed";
                }
            }
        }

        /// <summary>
        /// Whether the service refused the input (400).  The ABI documents GP_ERR_VALIDATION
        /// for this, but the core reports it as a service error; either way a script sees
        /// one ErrorId for bad input, whoever caught it.
        /// </summary>
        private bool IsRefusedInput
        {
            get { return HttpStatus == 400 && Name == "GP_ERR_SERVICE"; }
        }

        /// <summary>The ErrorCategory matching the failure.</summary>
        public ErrorCategory Category
        {
            get
            {
                if (IsRefusedInput)
                {
                    return ErrorCategory.InvalidData;
                }
                switch (Name)
                {
                    case "GP_ERR_VALIDATION": return ErrorCategory.InvalidData;
                    case "GP_ERR_CONFIG": return ErrorCategory.InvalidArgument;
                    case "GP_ERR_NOT_FOUND": return ErrorCategory.ObjectNotFound;
                    case "GP_ERR_UNAUTHORIZED": return ErrorCategory.AuthenticationError;
                    case "GP_ERR_FORBIDDEN": return ErrorCategory.PermissionDenied;
                    case "GP_ERR_CONFLICT": return ErrorCategory.ResourceExists;
                    case "GP_ERR_THROTTLED": return ErrorCategory.LimitsExceeded;
                    case "GP_ERR_SERVICE": return ErrorCategory.InvalidResult;
                    case "GP_ERR_FAILED_DEPENDENCY": return ErrorCategory.InvalidResult;
                    case "GP_ERR_TRANSPORT": return ErrorCategory.ConnectionError;
                    case "GP_ERR_TIMEOUT": return ErrorCategory.OperationTimeout;
                    case "GP_ERR_CANCELLED": return ErrorCategory.OperationStopped;
                    case "GP_ERR_NOT_IMPLEMENTED": return ErrorCategory.NotImplemented;
                    default: return Code >= 100 && Code < 200
                        ? ErrorCategory.InvalidArgument
                        : ErrorCategory.NotSpecified;
                }
            }
        }

        /// <summary>
        /// The ErrorRecord for this failure: ErrorId <paramref name="noun"/> plus
        /// <see cref="ErrorIdSuffix"/>, its category, the target object, and Graph's error
        /// JSON in ErrorDetails (as Invoke-RestMethod puts the response body there).
        /// </summary>
        public ErrorRecord ToErrorRecord(string noun, object target)
        {
            var record = new ErrorRecord(this, noun + ErrorIdSuffix, Category, target);
            if (GraphErrorJson != null)
            {
                record.ErrorDetails = new ErrorDetails(GraphErrorJson);
            }
            return record;
        }
    }
}
