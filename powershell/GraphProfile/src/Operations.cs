// The four operations every facet command shares, run for a script command: wait for the
// library on the pipeline thread, write its messages, and write typed objects or one
// ErrorRecord per failed item.  In C# rather than script because each piped item passes
// through here, and script helpers cost more than the request itself.

using System;
using System.Collections;
using System.Collections.Specialized;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GraphProfile.Native;

namespace GraphProfile
{
    /// <summary>What a command says about its facet: names, output types, date fields.</summary>
    public sealed class FacetCommand
    {
        /// <summary>Describes the commands of one facet.</summary>
        public FacetCommand(string kind, string noun, string[] typeNames, string[] dateFields)
        {
            Kind = kind;
            Noun = noun;
            TypeNames = typeNames;
            DateFields = dateFields ?? new string[0];
        }

        /// <summary>The collection name ("certifications").</summary>
        public string Kind { get; private set; }

        /// <summary>The first part of ErrorIds ("ProfileCertification").</summary>
        public string Noun { get; private set; }

        /// <summary>The output objects' type names, most specific first.</summary>
        public string[] TypeNames { get; private set; }

        /// <summary>Graph fields holding calendar dates, written as [datetime].</summary>
        public string[] DateFields { get; private set; }

        /// <summary>Whether outputs carry Kind (the generic -Kind commands).</summary>
        public bool NotesKind { get; set; }
    }

    /// <summary>Runs facet operations for a script command.</summary>
    public static class Operations
    {
        private const int PollMilliseconds = 100;

        /// <summary>
        /// A draft or patch from the parameters bound for the item being processed, as
        /// <see cref="Body(IDictionary, string[], string[])"/>.  The values are read from the
        /// command's variables: $PSBoundParameters keeps a parameter an earlier piped object
        /// bound even when the current one has no such property (its variable is reset), so
        /// it alone would send one row's field with the next.
        /// </summary>
        /// <param name="bound">The command's $PSBoundParameters.</param>
        /// <param name="scope">The command's $ExecutionContext.SessionState, whose variables
        /// are those of the running process block.</param>
        /// <param name="fields">As for the other overload.</param>
        /// <param name="clear">As for the other overload.</param>
        public static OrderedDictionary Body(
            IDictionary bound, SessionState scope, string[] fields, string[] clear)
        {
            var current = new Hashtable(StringComparer.OrdinalIgnoreCase);
            PSVariableIntrinsics variables = scope.PSVariable;
            foreach (object name in bound.Keys)
            {
                current[name] = variables.GetValue((string)name);
            }
            return Body(current, fields, clear);
        }

        /// <summary>
        /// A draft or patch from a command's bound parameters: each parameter named in
        /// <paramref name="fields"/> becomes its Graph field (DisplayName to displayName).
        /// Empty text means "not given" (an empty CSV cell); several audiences are joined
        /// with commas, as Graph writes flags; <paramref name="clear"/> names fields set to null.
        /// </summary>
        public static OrderedDictionary Body(IDictionary bound, string[] fields, string[] clear)
        {
            var body = new OrderedDictionary(StringComparer.Ordinal);
            foreach (string name in fields)
            {
                if (!bound.Contains(name))
                {
                    continue;
                }
                object value = bound[name];
                value = value is PSObject wrapped ? wrapped.BaseObject : value;
                if (value is string[] || value is object[])
                {
                    var parts = new System.Collections.Generic.List<string>();
                    foreach (object item in (IEnumerable)value)
                    {
                        string text = Convert.ToString(item, CultureInfo.InvariantCulture);
                        if (!string.IsNullOrWhiteSpace(text))
                        {
                            parts.Add(text.Trim());
                        }
                    }
                    value = string.Join(",", parts);
                }
                if (value == null || (value is string text2 && text2.Length == 0))
                {
                    continue;
                }
                body[EntryConverter.FieldName(name)] = value;
            }
            if (clear != null)
            {
                foreach (string name in clear)
                {
                    body[EntryConverter.FieldName(name)] = null;
                }
            }
            return body;
        }

        /// <summary>The ErrorRecord target of a draft or patch: its fields, UserId, Id.</summary>
        public static PSObject Target(IDictionary body, string user, string id)
        {
            var target = new PSObject();
            foreach (DictionaryEntry pair in body)
            {
                target.Properties.Add(new PSNoteProperty(pair.Key.ToString(), pair.Value));
            }
            target.Properties.Add(new PSNoteProperty("UserId", user));
            if (id != null)
            {
                target.Properties.Add(new PSNoteProperty("Id", id));
            }
            return target;
        }

        /// <summary>
        /// Checks a draft (<paramref name="id"/> null or empty) or a patch with the core's
        /// rules and sends nothing: true when the core accepts it, otherwise its ErrorRecord
        /// (naming the field), with <paramref name="target"/>, has been written.  Commands call it
        /// before ShouldProcess, so -WhatIf and -Confirm report a bad item as a real run
        /// would.  A patch that moves one date of the entry but not the others is checked
        /// with the others as stored, read through <paramref name="connection"/> (a read;
        /// the write is what must not go out), since the core compares only the dates of
        /// the body it is given.
        /// </summary>
        public static bool Check(
            PSCmdlet cmdlet, Connection connection, FacetCommand facet, string user, string id,
            object body, string[] skip, object target)
        {
            string json = EntryConverter.ToJson(body, skip);
            // PowerShell passes $null to a string parameter as "".
            bool isPatch = !string.IsNullOrEmpty(id);
            if (!Accepted(cmdlet, CheckQuietly(cmdlet, facet, json, isPatch), facet, target))
            {
                return false;
            }
            if (!isPatch)
            {
                return true;
            }
            string merged = WithStoredDates(cmdlet, connection, facet, user, id, json, target);
            if (merged == null)
            {
                return false;
            }
            return ReferenceEquals(merged, json) ||
                Accepted(cmdlet, CheckQuietly(cmdlet, facet, merged, true), facet, target);
        }

        /// <summary>
        /// Checks a body, dropping what the library logged meanwhile: the body's warnings
        /// (thumbnailUrl) come again from the call that sends it.
        /// </summary>
        private static GraphProfileException CheckQuietly(
            PSCmdlet cmdlet, FacetCommand facet, string json, bool isPatch)
        {
            WriteMessages(cmdlet);
            try
            {
                return Connection.CheckBody(facet.Kind, json, isPatch);
            }
            finally
            {
                while (MessageQueue.Next() != null)
                {
                }
            }
        }

        private static bool Accepted(
            PSCmdlet cmdlet, GraphProfileException error, FacetCommand facet, object target)
        {
            if (error == null)
            {
                return true;
            }
            cmdlet.WriteError(error.ToErrorRecord(facet.Noun, target));
            return false;
        }

        /// <summary>Lists (every page, or at most <paramref name="top"/>) or reads one.</summary>
        public static void Get(
            PSCmdlet cmdlet, Connection connection, FacetCommand facet, string user, string id,
            int top, string filter, string[] properties)
        {
            string[] select = null;
            if (properties != null && properties.Length > 0)
            {
                select = new string[properties.Length];
                for (int index = 0; index < properties.Length; index++)
                {
                    select[index] = EntryConverter.FieldName(properties[index]);
                }
            }

            NativeCall call;
            PSObject target = new PSObject();
            target.Properties.Add(new PSNoteProperty("UserId", user));
            if (!string.IsNullOrEmpty(id))
            {
                target.Properties.Add(new PSNoteProperty("Id", id));
                string selectJson = select == null ? null : JsonSerializer.Serialize(select);
                call = connection.Get(user, facet.Kind, id, selectJson);
            }
            else
            {
                target.Properties.Add(new PSNoteProperty("Filter", filter));
                call = connection.List(user, facet.Kind, Query(select, filter, top));
            }

            if (!Complete(cmdlet, call, facet, target))
            {
                return;
            }
            PSObject[] entries = Entries(call, facet, user);
            int count = top > 0 ? Math.Min(top, entries.Length) : entries.Length;
            // The core follows every page; -Top is "at most this many".
            for (int index = 0; index < count; index++)
            {
                cmdlet.WriteObject(entries[index]);
            }
        }

        /// <summary>Creates one entry from a draft (a dictionary or an object).</summary>
        public static void Create(
            PSCmdlet cmdlet, Connection connection, FacetCommand facet, string user, object draft,
            string[] skip, object target)
        {
            string json = EntryConverter.ToJson(draft, skip);
            NativeCall call = connection.Create(user, facet.Kind, json);
            WriteEntries(cmdlet, call, facet, user, target);
        }

        /// <summary>Applies one patch (a dictionary or an object) to an entry.</summary>
        public static void Update(
            PSCmdlet cmdlet, Connection connection, FacetCommand facet, string user, string id,
            object patch, string[] skip, object target)
        {
            string json = EntryConverter.ToJson(patch, skip);
            NativeCall call = connection.Update(user, facet.Kind, id, json);
            WriteEntries(cmdlet, call, facet, user, target);
        }

        /// <summary>Deletes one entry; with -PassThru, writes what was removed.</summary>
        public static void Remove(
            PSCmdlet cmdlet, Connection connection, FacetCommand facet, string user, string id,
            bool passThru)
        {
            var target = new PSObject();
            target.Properties.Add(new PSNoteProperty("UserId", user));
            target.Properties.Add(new PSNoteProperty("Kind", facet.Kind));
            target.Properties.Add(new PSNoteProperty("Id", id));
            NativeCall call = connection.Delete(user, facet.Kind, id);
            if (Complete(cmdlet, call, facet, target) && passThru)
            {
                target.TypeNames.Insert(0, "GraphProfile.RemovedEntry");
                cmdlet.WriteObject(target);
            }
        }

        /// <summary>
        /// Waits for a call on the pipeline thread, writing its log lines and prompts as they
        /// come; Ctrl+C (the pipeline stopping) cancels it.  The call is finished and its
        /// token freed on return: read its Output or Error.
        /// </summary>
        public static void Wait(PSCmdlet cmdlet, NativeCall call)
        {
            try
            {
                while (!call.Wait(PollMilliseconds))
                {
                    WriteMessages(cmdlet);
                    if (cmdlet.Stopping)
                    {
                        break;
                    }
                }
            }
            finally
            {
                call.Dispose();
                WriteMessages(cmdlet);
            }
        }

        /// <summary>
        /// Waits for a call (see <see cref="Wait"/>); true when it succeeded, otherwise its
        /// ErrorRecord, with <paramref name="target"/>, has been written and the pipeline
        /// goes on with the next item.
        /// </summary>
        public static bool Complete(
            PSCmdlet cmdlet, NativeCall call, FacetCommand facet, object target)
        {
            Wait(cmdlet, call);
            GraphProfileException error = call.Error;
            if (error != null)
            {
                cmdlet.WriteError(error.ToErrorRecord(facet.Noun, target));
                return false;
            }
            return true;
        }

        /// <summary>Writes the messages library threads left in the queue.</summary>
        public static void WriteMessages(PSCmdlet cmdlet)
        {
            if (MessageQueue.IsEmpty)
            {
                return;
            }
            Message message;
            while ((message = MessageQueue.Next()) != null)
            {
                switch (message.Stream)
                {
                    case MessageStream.Verbose:
                        cmdlet.WriteVerbose(message.Text);
                        break;
                    case MessageStream.Warning:
                        cmdlet.WriteWarning(message.Text);
                        break;
                    default:
                        // The device code prompt: a person has to read it, even in a job.
                        cmdlet.WriteInformation(
                            new HostInformationMessage { Message = message.Text },
                            new[] { "PSHOST", "GraphProfile.DeviceCode" });
                        break;
                }
            }
        }

        /// <summary>
        /// The patch with the entry's stored dates added for the date fields it does not
        /// set, when it sets some; the patch as it is otherwise.  Null when the entry could
        /// not be read (its ErrorRecord written).
        /// </summary>
        private static string WithStoredDates(
            PSCmdlet cmdlet, Connection connection, FacetCommand facet, string user, string id,
            string json, object target)
        {
            if (facet.DateFields.Length < 2)
            {
                return json;
            }
            JsonObject patch = JsonNode.Parse(json) as JsonObject;
            if (patch == null)
            {
                return json;
            }
            var missing = new System.Collections.Generic.List<string>();
            bool setsDate = false;
            foreach (string field in facet.DateFields)
            {
                JsonNode value;
                if (!patch.TryGetPropertyValue(field, out value))
                {
                    missing.Add(field);
                }
                else if (value != null)
                {
                    setsDate = true;
                }
            }
            if (!setsDate || missing.Count == 0)
            {
                return json;
            }

            NativeCall call = connection.Get(
                user, facet.Kind, id, JsonSerializer.Serialize(missing));
            if (!Complete(cmdlet, call, facet, target))
            {
                return null;
            }
            JsonObject stored = JsonNode.Parse(call.Output) as JsonObject;
            foreach (string field in missing)
            {
                JsonNode value;
                if (stored != null && stored.TryGetPropertyValue(field, out value) &&
                    value != null)
                {
                    patch[field] = value.DeepClone();
                }
            }
            return patch.ToJsonString();
        }

        private static void WriteEntries(
            PSCmdlet cmdlet, NativeCall call, FacetCommand facet, string user, object target)
        {
            if (!Complete(cmdlet, call, facet, target))
            {
                return;
            }
            foreach (PSObject entry in Entries(call, facet, user))
            {
                cmdlet.WriteObject(entry);
            }
        }

        private static PSObject[] Entries(NativeCall call, FacetCommand facet, string user)
        {
            return EntryConverter.ToEntries(
                call.Output, facet.TypeNames, facet.DateFields, Notes(facet, user));
        }

        /// <summary>
        /// The properties the module adds to each entry so it can be piped on: the user
        /// (named like -UserId) and, for the generic commands, the facet (named like -Kind).
        /// </summary>
        private static IDictionary Notes(FacetCommand facet, string user)
        {
            var notes = new OrderedDictionary { { "UserId", user } };
            if (facet.NotesKind)
            {
                notes.Add("Kind", facet.Kind);
            }
            return notes;
        }

        private static string Query(string[] select, string filter, int top)
        {
            if (select == null && string.IsNullOrEmpty(filter) && top <= 0)
            {
                return null;
            }
            using (var buffer = new MemoryStream())
            {
                using (var writer = new Utf8JsonWriter(buffer))
                {
                    writer.WriteStartObject();
                    if (select != null)
                    {
                        writer.WriteStartArray("select");
                        foreach (string field in select)
                        {
                            writer.WriteStringValue(field);
                        }
                        writer.WriteEndArray();
                    }
                    if (!string.IsNullOrEmpty(filter))
                    {
                        writer.WriteString("filter", filter);
                    }
                    if (top > 0)
                    {
                        writer.WriteNumber("top", top);
                    }
                    writer.WriteEndObject();
                }
                return Encoding.UTF8.GetString(buffer.ToArray());
            }
        }
    }
}
