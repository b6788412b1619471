// A connection: one gp_client, the token the pipeline thread last fetched, and the calls
// made with it.

using System;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading.Tasks;

namespace GraphProfile.Native
{
    /// <summary>
    /// One libgraph_profile client.  When signed in with a token or a token provider, the
    /// library asks for the token through a callback, which answers from <see cref="SetToken"/>:
    /// the provider script block itself only ever runs on the PowerShell pipeline thread.
    /// </summary>
    public sealed class Connection : IDisposable
    {
        // Static so the delegates outlive every native call of them.
        private static readonly NativeMethods.TokenCallback TokenDelegate = OnToken;
        private static readonly NativeMethods.DeviceCodeCallback DeviceCodeDelegate = OnDeviceCode;

        private readonly object gate = new object();
        private IntPtr client;
        private GCHandle self;
        private volatile string token;

        private Connection()
        {
        }

        /// <summary>
        /// Makes a client from ClientConfig JSON.  Its "auth.type" is "callback" for tokens
        /// given by the host (answered from <see cref="SetToken"/>), or one the library signs
        /// in with itself ("clientCredentials", "deviceCode").  Makes no request.
        /// </summary>
        public static Connection Open(string configJson)
        {
            var connection = new Connection();
            connection.self = GCHandle.Alloc(connection);
            try
            {
                IntPtr handle;
                NativeMethods.Check(NativeMethods.gp_client_new(
                    configJson,
                    Marshal.GetFunctionPointerForDelegate(TokenDelegate),
                    Marshal.GetFunctionPointerForDelegate(DeviceCodeDelegate),
                    GCHandle.ToIntPtr(connection.self),
                    out handle));
                connection.client = handle;
                return connection;
            }
            catch
            {
                connection.self.Free();
                throw;
            }
        }

        /// <summary>Whether the client is still open.</summary>
        public bool IsOpen
        {
            get { return client != IntPtr.Zero; }
        }

        /// <summary>The token the next requests use (-AccessToken, -TokenProvider).</summary>
        public void SetToken(string value)
        {
            token = string.IsNullOrEmpty(value) ? null : value;
        }

        /// <summary>Starts listing a facet; <paramref name="queryJson"/> may be empty.</summary>
        public NativeCall List(string user, string facet, string queryJson)
        {
            IntPtr handle = Handle();
            queryJson = Optional(queryJson);
            return new NativeCall(this, cancel =>
            {
                IntPtr json;
                NativeMethods.Check(
                    NativeMethods.gp_list(handle, user, facet, queryJson, cancel, out json));
                return NativeMethods.Take(json);
            });
        }

        /// <summary>Starts reading one entry; <paramref name="selectJson"/> may be empty.</summary>
        public NativeCall Get(string user, string facet, string id, string selectJson)
        {
            IntPtr handle = Handle();
            selectJson = Optional(selectJson);
            return new NativeCall(this, cancel =>
            {
                IntPtr json;
                NativeMethods.Check(
                    NativeMethods.gp_get(handle, user, facet, id, selectJson, cancel, out json));
                return NativeMethods.Take(json);
            });
        }

        /// <summary>Starts creating an entry from a draft.</summary>
        public NativeCall Create(string user, string facet, string draftJson)
        {
            IntPtr handle = Handle();
            return new NativeCall(this, cancel =>
            {
                IntPtr json;
                NativeMethods.Check(
                    NativeMethods.gp_create(handle, user, facet, draftJson, cancel, out json));
                return NativeMethods.Take(json);
            });
        }

        /// <summary>Starts updating an entry with a patch.</summary>
        public NativeCall Update(string user, string facet, string id, string patchJson)
        {
            IntPtr handle = Handle();
            return new NativeCall(this, cancel =>
            {
                IntPtr json;
                NativeMethods.Check(
                    NativeMethods.gp_update(handle, user, facet, id, patchJson, cancel, out json));
                return NativeMethods.Take(json);
            });
        }

        /// <summary>Starts deleting an entry; its result is null.</summary>
        public NativeCall Delete(string user, string facet, string id)
        {
            IntPtr handle = Handle();
            return new NativeCall(this, cancel =>
            {
                NativeMethods.Check(NativeMethods.gp_delete(handle, user, facet, id, cancel));
                return null;
            });
        }

        /// <summary>Starts planning a sync (a SyncRequest in JSON); changes nothing.</summary>
        public NativeCall SyncPlan(string requestJson)
        {
            IntPtr handle = Handle();
            return new NativeCall(this, cancel =>
            {
                IntPtr json;
                NativeMethods.Check(
                    NativeMethods.gp_sync_plan(handle, requestJson, cancel, out json));
                return NativeMethods.Take(json);
            });
        }

        /// <summary>Starts applying a sync (a SyncRequest in JSON); answers the report.</summary>
        public NativeCall SyncApply(string requestJson)
        {
            IntPtr handle = Handle();
            return new NativeCall(this, cancel =>
            {
                IntPtr json;
                NativeMethods.Check(
                    NativeMethods.gp_sync_apply(handle, requestJson, cancel, out json));
                return NativeMethods.Take(json);
            });
        }

        /// <summary>Starts the certification expiry report (an ExpiryRequest in JSON).</summary>
        public NativeCall ExpiryReport(string requestJson)
        {
            IntPtr handle = Handle();
            return new NativeCall(this, cancel =>
            {
                IntPtr json;
                NativeMethods.Check(
                    NativeMethods.gp_expiry_report(handle, requestJson, cancel, out json));
                return NativeMethods.Take(json);
            });
        }

        /// <summary>The 19 facet names, as the library knows them.</summary>
        public static string[] FacetNames()
        {
            IntPtr json;
            NativeMethods.Check(NativeMethods.gp_facet_names(out json));
            return JsonSerializer.Deserialize<string[]>(NativeMethods.Take(json));
        }

        /// <summary>
        /// Validates a draft, or a patch when <paramref name="isPatch"/>, as create or update
        /// would, with no client and no request: null when the core accepts it, otherwise
        /// its error (naming the field).
        /// </summary>
        public static GraphProfileException CheckBody(string facet, string json, bool isPatch)
        {
            IntPtr output;
            int code = isPatch
                ? NativeMethods.gp_check_patch(facet, json, out output)
                : NativeMethods.gp_check_draft(facet, json, out output);
            if (code != NativeMethods.GP_OK)
            {
                return GraphProfileException.FromLastError(code);
            }
            NativeMethods.Take(output);
            return null;
        }

        /// <summary>
        /// Frees the client.  Calls still running finish first (the library keeps the client
        /// alive until they return); the callbacks' target is released after that.
        /// </summary>
        public void Dispose()
        {
            lock (gate)
            {
                if (client == IntPtr.Zero)
                {
                    return;
                }
                NativeMethods.gp_client_free(client);
                client = IntPtr.Zero;
                token = null;
                self.Free();
            }
        }

        /// <summary>
        /// NULL for an optional JSON argument left out: PowerShell passes $null to a string
        /// parameter as "", which the library would read as broken JSON.
        /// </summary>
        private static string Optional(string json)
        {
            return string.IsNullOrEmpty(json) ? null : json;
        }

        private IntPtr Handle()
        {
            IntPtr handle = client;
            if (handle == IntPtr.Zero)
            {
                throw new ObjectDisposedException(
                    "GraphProfile connection", "The connection was closed.");
            }
            return handle;
        }

        private static void OnToken(IntPtr userData, IntPtr sink)
        {
            // Runs on a library thread: read the field, answer, and let nothing unwind.
            try
            {
                var connection = GCHandle.FromIntPtr(userData).Target as Connection;
                string current = connection == null ? null : connection.token;
                if (current == null)
                {
                    NativeMethods.gp_token_sink_set_error(
                        sink, "no access token: the token provider gave none");
                }
                else
                {
                    NativeMethods.gp_token_sink_set_token(sink, current);
                }
            }
            catch (Exception)
            {
                // Unanswered, the request fails as unauthorized: the right outcome.
            }
        }

        private static void OnDeviceCode(IntPtr userData, IntPtr promptJson)
        {
            try
            {
                using (JsonDocument prompt = JsonDocument.Parse(NativeMethods.Borrowed(promptJson)))
                {
                    JsonElement message;
                    string text = prompt.RootElement.TryGetProperty("message", out message)
                        ? message.GetString()
                        : prompt.RootElement.GetRawText();
                    MessageQueue.Add(MessageStream.Host, text);
                }
            }
            catch (Exception)
            {
                MessageQueue.Add(
                    MessageStream.Host,
                    "Device code sign-in started; its prompt could not be read.");
            }
        }
    }

    /// <summary>
    /// A library call running on a worker thread, so the pipeline thread stays free to
    /// write the messages it produces and to be stopped with Ctrl+C (which cancels it).
    /// </summary>
    public sealed class NativeCall : IDisposable
    {
        private readonly Connection connection;
        private IntPtr cancel;
        private readonly Task<string> task;

        internal NativeCall(Connection connection, Func<IntPtr, string> call)
        {
            this.connection = connection;
            IntPtr token;
            NativeMethods.Check(NativeMethods.gp_cancel_token_new(out token));
            cancel = token;
            task = Task.Run(() =>
            {
                try
                {
                    return call(token);
                }
                catch (GraphProfileException)
                {
                    throw;
                }
                catch (Exception error)
                {
                    throw new GraphProfileException("GP_ERR_INTERNAL", error.Message);
                }
            });
        }

        /// <summary>Waits up to <paramref name="milliseconds"/>; true once it returned.</summary>
        public bool Wait(int milliseconds)
        {
            return ((IAsyncResult)task).AsyncWaitHandle.WaitOne(milliseconds) || task.IsCompleted;
        }

        /// <summary>The JSON answer once the call succeeded; else null.</summary>
        public string Output
        {
            get { return task.Status == TaskStatus.RanToCompletion ? task.Result : null; }
        }

        /// <summary>The failure once the call failed; else null.</summary>
        public GraphProfileException Error
        {
            get
            {
                if (!task.IsFaulted)
                {
                    return null;
                }
                Exception inner = task.Exception.GetBaseException();
                return inner as GraphProfileException
                    ?? new GraphProfileException("GP_ERR_INTERNAL", inner.Message);
            }
        }

        /// <summary>Cancels the call if it still runs, waits for it, and frees the token.</summary>
        public void Dispose()
        {
            if (cancel == IntPtr.Zero)
            {
                return;
            }
            if (!task.IsCompleted)
            {
                NativeMethods.gp_cancel_token_cancel(cancel);
                try
                {
                    task.Wait();
                }
                catch (AggregateException)
                {
                    // Cancelled or failed: the caller is going away and does not want it.
                }
            }
            NativeMethods.gp_cancel_token_free(cancel);
            cancel = IntPtr.Zero;
            GC.KeepAlive(connection);
        }
    }
}
