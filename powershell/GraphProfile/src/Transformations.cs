// Parameter transformations: what lets a CSV column or a [datetime] bind to a parameter.

using System;
using System.Globalization;
using System.Management.Automation;

namespace GraphProfile
{
    /// <summary>
    /// Binds a calendar date: a [datetime] or [DateTimeOffset] becomes its own "yyyy-MM-dd"
    /// (its Year, Month and Day, so no time zone moves it); text is left for the core to
    /// accept or refuse with a message naming the field.
    /// </summary>
    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
    public sealed class CalendarDateAttribute : ArgumentTransformationAttribute
    {
        /// <inheritdoc/>
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            return EntryConverter.DateText(inputData);
        }
    }

    /// <summary>
    /// Binds a Boolean from text as well ("true", "False", "1", "0", "yes", "no"), since
    /// PowerShell refuses text for [bool] parameters and every CSV column is text.  Empty
    /// text is null, "not given"; use it on a [Nullable[bool]] parameter.
    /// </summary>
    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
    public sealed class BooleanTextAttribute : ArgumentTransformationAttribute
    {
        /// <inheritdoc/>
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            object inner = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            string text = inner as string;
            if (text == null)
            {
                return inputData;
            }
            switch (text.Trim().ToLowerInvariant())
            {
                case "":
                    // An empty CSV cell: not given.
                    return null;
                case "true":
                case "1":
                case "yes":
                    return true;
                case "false":
                case "0":
                case "no":
                    return false;
                default:
                    throw new ArgumentTransformationMetadataException(string.Format(
                        CultureInfo.InvariantCulture,
                        "'{0}' is not a Boolean: expected true or false.",
                        text));
            }
        }
    }
}
