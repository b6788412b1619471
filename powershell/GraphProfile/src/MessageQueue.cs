// Messages from library threads (log events, the device code prompt), held until the
// pipeline thread writes them.  PowerShell streams may only be written from the pipeline
// thread, so callbacks only enqueue here; the module drains the queue while it waits for
// a call and after it.

using System;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace GraphProfile.Native
{
    /// <summary>Which stream a message goes to.</summary>
    public enum MessageStream
    {
        /// <summary>Write-Verbose: one line per request.</summary>
        Verbose,
        /// <summary>Write-Warning: what the user should act on (throttling, retries).</summary>
        Warning,
        /// <summary>Write-Host: the device code prompt, which a person must read.</summary>
        Host,
    }

    /// <summary>One buffered message.</summary>
    public sealed class Message
    {
        internal Message(MessageStream stream, string text)
        {
            Stream = stream;
            Text = text;
        }

        /// <summary>The stream to write it to.</summary>
        public MessageStream Stream { get; private set; }

        /// <summary>The text; never holds a token (the library drops such fields).</summary>
        public string Text { get; private set; }
    }

    /// <summary>
    /// The process-wide message queue and the library's log callback feeding it.
    /// </summary>
    /// <remarks>
    /// The library has one log callback per process, so when several runspaces use the
    /// module at once, each may write the others' request lines.  Bounded, so a session
    /// that never drains cannot grow without limit.
    /// </remarks>
    public static class MessageQueue
    {
        private const int Capacity = 10000;

        private static readonly ConcurrentQueue<Message> Queue = new ConcurrentQueue<Message>();

        // Kept in a static field so the delegate outlives every native call of it.
        private static readonly NativeMethods.LogCallback LogDelegate = OnLog;

        private static readonly object Gate = new object();
        private static int level = -1;

        /// <summary>Whether messages are waiting.</summary>
        public static bool IsEmpty
        {
            get { return Queue.IsEmpty; }
        }

        /// <summary>
        /// Forwards the library's log events up to <paramref name="verbose"/> ? debug : warn.
        /// Changes the library's setting only when it differs, since that is process-wide.
        /// </summary>
        public static void SetVerbose(bool verbose)
        {
            int wanted = verbose ? NativeMethods.GP_LOG_DEBUG : NativeMethods.GP_LOG_WARN;
            if (wanted == level)
            {
                return;
            }
            lock (Gate)
            {
                IntPtr callback = Marshal.GetFunctionPointerForDelegate(LogDelegate);
                NativeMethods.Check(
                    NativeMethods.gp_set_log_callback(callback, IntPtr.Zero, wanted));
                level = wanted;
            }
        }

        /// <summary>Stops the forwarding (the module's OnRemove).</summary>
        public static void Stop()
        {
            lock (Gate)
            {
                NativeMethods.gp_set_log_callback(
                    IntPtr.Zero, IntPtr.Zero, NativeMethods.GP_LOG_OFF);
                level = -1;
            }
        }

        /// <summary>Adds a message; safe from any thread.</summary>
        public static void Add(MessageStream stream, string text)
        {
            if (Queue.Count < Capacity)
            {
                Queue.Enqueue(new Message(stream, text));
            }
        }

        /// <summary>Takes the next message, or null when there is none.</summary>
        public static Message Next()
        {
            Message message;
            return Queue.TryDequeue(out message) ? message : null;
        }

        private static void OnLog(IntPtr userData, int eventLevel, IntPtr target, IntPtr message)
        {
            // Runs on a library thread: enqueue only, and never let an exception unwind
            // into native code.
            try
            {
                string text = NativeMethods.Borrowed(message);
                MessageStream stream = eventLevel <= NativeMethods.GP_LOG_WARN
                    ? MessageStream.Warning
                    : MessageStream.Verbose;
                Add(stream, text);
            }
            catch (Exception)
            {
                // Nothing sensible can be done with a failed log line.
            }
        }
    }
}
