// Entries between JSON and PowerShell objects.
//
// Glue only: names change letter case (Graph's "issuedDate" is the property IssuedDate),
// calendar dates become [datetime] at midnight and go back as their own year, month and
// day, and nothing is validated here: the core does that, naming the field.

using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Text;
using System.Text.Json;

namespace GraphProfile
{
    /// <summary>Converts entries, drafts and patches between JSON and PowerShell values.</summary>
    public static class EntryConverter
    {
        private static readonly HashSet<string> Timestamps = new HashSet<string>(
            new[] { "createdDateTime", "lastModifiedDateTime" }, StringComparer.Ordinal);

        /// <summary>
        /// Turns one entry (a JSON object) or a list (a JSON array) into PSObjects whose first
        /// type names are <paramref name="typeNames"/>, with note properties
        /// <paramref name="extra"/> (the user, the facet) added to each.  Fields named in
        /// <paramref name="dateFields"/> become [datetime] values (kind Unspecified) when they
        /// hold a calendar date.
        /// </summary>
        public static PSObject[] ToEntries(
            string json, string[] typeNames, string[] dateFields, IDictionary extra)
        {
            var dates = new HashSet<string>(dateFields ?? new string[0], StringComparer.Ordinal);
            using (JsonDocument document = JsonDocument.Parse(json))
            {
                JsonElement root = document.RootElement;
                var entries = new List<PSObject>();
                if (root.ValueKind == JsonValueKind.Array)
                {
                    foreach (JsonElement item in root.EnumerateArray())
                    {
                        entries.Add(Entry(item, typeNames, dates, extra));
                    }
                }
                else
                {
                    entries.Add(Entry(root, typeNames, dates, extra));
                }
                return entries.ToArray();
            }
        }

        private static PSObject Entry(
            JsonElement item, string[] typeNames, HashSet<string> dates, IDictionary extra)
        {
            PSObject entry = Object(item, dates);
            if (extra != null)
            {
                foreach (DictionaryEntry pair in extra)
                {
                    string name = pair.Key.ToString();
                    // A facet's own field wins over the module's note (webAccounts.userId).
                    if (entry.Properties[name] == null)
                    {
                        entry.Properties.Add(new PSNoteProperty(name, pair.Value));
                    }
                }
            }
            if (typeNames != null)
            {
                for (int index = typeNames.Length - 1; index >= 0; index--)
                {
                    entry.TypeNames.Insert(0, typeNames[index]);
                }
            }
            return entry;
        }

        private static PSObject Object(JsonElement item, HashSet<string> dates)
        {
            var result = new PSObject();
            foreach (JsonProperty field in item.EnumerateObject())
            {
                object value;
                bool text = field.Value.ValueKind == JsonValueKind.String;
                if (text && dates != null && dates.Contains(field.Name))
                {
                    value = CalendarDate(field.Value.GetString());
                }
                else if (text && Timestamps.Contains(field.Name))
                {
                    DateTimeOffset stamp;
                    value = DateTimeOffset.TryParse(
                        field.Value.GetString(),
                        CultureInfo.InvariantCulture,
                        DateTimeStyles.None,
                        out stamp)
                        ? (object)stamp
                        : field.Value.GetString();
                }
                else
                {
                    value = Value(field.Value);
                }
                result.Properties.Add(new PSNoteProperty(PropertyName(field.Name), value));
            }
            return result;
        }

        private static object Value(JsonElement value)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    return value.GetString();
                case JsonValueKind.True:
                    return true;
                case JsonValueKind.False:
                    return false;
                case JsonValueKind.Number:
                    long whole;
                    if (value.TryGetInt64(out whole))
                    {
                        return whole;
                    }
                    return value.GetDouble();
                case JsonValueKind.Array:
                    var items = new List<object>();
                    foreach (JsonElement item in value.EnumerateArray())
                    {
                        items.Add(Value(item));
                    }
                    return items.ToArray();
                case JsonValueKind.Object:
                    return Object(value, null);
                default:
                    return null;
            }
        }

        /// <summary>"yyyy-MM-dd" as a [datetime] at midnight; other text unchanged.</summary>
        private static object CalendarDate(string text)
        {
            DateTime date;
            return DateTime.TryParseExact(
                text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date)
                ? (object)date
                : text;
        }

        /// <summary>"issuedDate" as the property IssuedDate; "@odata.type" unchanged.</summary>
        public static string PropertyName(string field)
        {
            if (field.Length == 0 || !char.IsLower(field[0]))
            {
                return field;
            }
            return char.ToUpperInvariant(field[0]) + field.Substring(1);
        }

        /// <summary>The property IssuedDate as Graph's field "issuedDate".</summary>
        public static string FieldName(string property)
        {
            if (property.Length == 0 || !char.IsUpper(property[0]))
            {
                return property;
            }
            return char.ToLowerInvariant(property[0]) + property.Substring(1);
        }

        /// <summary>
        /// A date for the wire: a [datetime] or [DateTimeOffset] as its own calendar date
        /// ("yyyy-MM-dd", never shifted to another time zone); text unchanged, for the core
        /// to accept or refuse.
        /// </summary>
        public static object DateText(object value)
        {
            object inner = value is PSObject wrapped ? wrapped.BaseObject : value;
            if (inner is DateTime date)
            {
                return date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            }
            if (inner is DateTimeOffset stamp)
            {
                return stamp.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            }
            return inner;
        }

        /// <summary>
        /// Writes a draft or patch: a hashtable or an object (a PSObject from Get-ProfileFacet,
        /// or any other) as a JSON object, property names as Graph's field names.  Properties
        /// named in <paramref name="skip"/> (the module's own notes, UserId and Kind) are left
        /// out; values are written as they are, so the core judges them.
        /// </summary>
        public static string ToJson(object value, string[] skip)
        {
            var left = new HashSet<string>(skip ?? new string[0], StringComparer.OrdinalIgnoreCase);
            using (var buffer = new MemoryStream())
            {
                using (var writer = new Utf8JsonWriter(buffer))
                {
                    WriteValue(writer, value, left);
                }
                return Encoding.UTF8.GetString(buffer.ToArray());
            }
        }

        private static void WriteValue(Utf8JsonWriter writer, object value, HashSet<string> skip)
        {
            object inner = value is PSObject wrapped ? wrapped.BaseObject : value;
            switch (inner)
            {
                case null:
                    writer.WriteNullValue();
                    return;
                case string text:
                    writer.WriteStringValue(text);
                    return;
                case bool flag:
                    writer.WriteBooleanValue(flag);
                    return;
                case DateTime _:
                    // Every writable date field of a facet is a calendar date (Edm.Date);
                    // [DateTimeOffset] is what the module gives the service's timestamps.
                    writer.WriteStringValue((string)DateText(inner));
                    return;
                case DateTimeOffset stamp:
                    writer.WriteStringValue(stamp.ToString("o", CultureInfo.InvariantCulture));
                    return;
                case int number:
                    writer.WriteNumberValue(number);
                    return;
                case long number:
                    writer.WriteNumberValue(number);
                    return;
                case double number:
                    writer.WriteNumberValue(number);
                    return;
                case decimal number:
                    writer.WriteNumberValue(number);
                    return;
                case Enum member:
                    writer.WriteStringValue(member.ToString());
                    return;
                case IDictionary map:
                    writer.WriteStartObject();
                    foreach (DictionaryEntry pair in map)
                    {
                        string name = pair.Key.ToString();
                        if (skip.Contains(name))
                        {
                            continue;
                        }
                        writer.WritePropertyName(FieldName(name));
                        WriteValue(writer, pair.Value, EmptySkip);
                    }
                    writer.WriteEndObject();
                    return;
                case IEnumerable list:
                    writer.WriteStartArray();
                    foreach (object item in list)
                    {
                        WriteValue(writer, item, EmptySkip);
                    }
                    writer.WriteEndArray();
                    return;
            }

            if (!(inner is Guid || inner is Uri || inner is char || inner.GetType().IsPrimitive))
            {
                // An object: a [pscustomobject], a row of Import-Csv, an entry from Get-.
                PSObject source = value as PSObject ?? PSObject.AsPSObject(inner);
                writer.WriteStartObject();
                foreach (PSPropertyInfo property in source.Properties)
                {
                    bool data = property is PSNoteProperty || property is PSProperty;
                    if (!data || skip.Contains(property.Name))
                    {
                        continue;
                    }
                    writer.WritePropertyName(FieldName(property.Name));
                    WriteValue(writer, property.Value, EmptySkip);
                }
                writer.WriteEndObject();
                return;
            }

            // A GUID, a URI, a number type not listed: its invariant text.
            writer.WriteStringValue(Convert.ToString(inner, CultureInfo.InvariantCulture));
        }

        private static readonly HashSet<string> EmptySkip = new HashSet<string>();
    }
}
