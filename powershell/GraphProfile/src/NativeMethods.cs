// The P/Invoke declarations of libgraph_profile, as in bindings/c/graph_profile.h.
//
// The rules of the ABI (bindings/c/README.md) that shape this file: result codes are
// int (GP_OK = 0); strings are UTF-8 and NUL-terminated both ways; strings returned
// through out-parameters belong to us and go back through gp_string_free; strings from
// gp_version and gp_last_error_* are borrowed and never freed; callbacks run on library
// threads and must not call gp_ functions that take a client.

using System;
using System.Runtime.InteropServices;

namespace GraphProfile.Native
{
    /// <summary>The C functions of libgraph_profile.</summary>
    internal static class NativeMethods
    {
        /// <summary>The name the resolver in <see cref="NativeLibraryLoader"/> answers.</summary>
        internal const string Library = "graph_profile";

        internal const int GP_OK = 0;
        internal const int GP_LOG_OFF = 0;
        internal const int GP_LOG_WARN = 2;
        internal const int GP_LOG_DEBUG = 4;

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate void TokenCallback(IntPtr userData, IntPtr sink);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate void DeviceCodeCallback(IntPtr userData, IntPtr promptJson);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate void LogCallback(
            IntPtr userData, int level, IntPtr target, IntPtr message);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern uint gp_abi_version();

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr gp_version();

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int gp_client_new(
            [MarshalAs(UnmanagedType.LPUTF8Str)] string configJson,
            IntPtr tokenCallback,
            IntPtr deviceCodeCallback,
            IntPtr userData,
            out IntPtr client);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int gp_client_free(IntPtr client);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int gp_token_sink_set_token(
            IntPtr sink, [MarshalAs(UnmanagedType.LPUTF8Str)] string token);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int gp_token_sink_set_error(
            IntPtr sink, [MarshalAs(UnmanagedType.LPUTF8Str)] string message);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int gp_list(
            IntPtr client,
            [MarshalAs(UnmanagedType.LPUTF8Str)] string user,
            [MarshalAs(UnmanagedType.LPUTF8Str)] string facet,
            [MarshalAs(UnmanagedType.LPUTF8Str)] string queryJson,
            IntPtr cancel,
            out IntPtr json);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int gp_get(
            IntPtr client,
            [MarshalAs(UnmanagedType.LPUTF8Str)] string user,
            [MarshalAs(UnmanagedType.LPUTF8Str)] string facet,
            [MarshalAs(UnmanagedType.LPUTF8Str)] string id,
            [MarshalAs(UnmanagedType.LPUTF8Str)] string selectJson,
            IntPtr cancel,
            out IntPtr json);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int gp_create(
            IntPtr client,
            [MarshalAs(UnmanagedType.LPUTF8Str)] string user,
            [MarshalAs(UnmanagedType.LPUTF8Str)] string facet,
            [MarshalAs(UnmanagedType.LPUTF8Str)] string draftJson,
            IntPtr cancel,
            out IntPtr json);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int gp_update(
            IntPtr client,
            [MarshalAs(UnmanagedType.LPUTF8Str)] string user,
            [MarshalAs(UnmanagedType.LPUTF8Str)] string facet,
            [MarshalAs(UnmanagedType.LPUTF8Str)] string id,
            [MarshalAs(UnmanagedType.LPUTF8Str)] string patchJson,
            IntPtr cancel,
            out IntPtr json);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int gp_delete(
            IntPtr client,
            [MarshalAs(UnmanagedType.LPUTF8Str)] string user,
            [MarshalAs(UnmanagedType.LPUTF8Str)] string facet,
            [MarshalAs(UnmanagedType.LPUTF8Str)] string id,
            IntPtr cancel);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int gp_sync_plan(
            IntPtr client,
            [MarshalAs(UnmanagedType.LPUTF8Str)] string requestJson,
            IntPtr cancel,
            out IntPtr json);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int gp_sync_apply(
            IntPtr client,
            [MarshalAs(UnmanagedType.LPUTF8Str)] string requestJson,
            IntPtr cancel,
            out IntPtr json);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int gp_expiry_report(
            IntPtr client,
            [MarshalAs(UnmanagedType.LPUTF8Str)] string requestJson,
            IntPtr cancel,
            out IntPtr json);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int gp_facet_names(out IntPtr json);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int gp_check_draft(
            [MarshalAs(UnmanagedType.LPUTF8Str)] string facet,
            [MarshalAs(UnmanagedType.LPUTF8Str)] string draftJson,
            out IntPtr json);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int gp_check_patch(
            [MarshalAs(UnmanagedType.LPUTF8Str)] string facet,
            [MarshalAs(UnmanagedType.LPUTF8Str)] string patchJson,
            out IntPtr json);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int gp_string_free(IntPtr text);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int gp_cancel_token_new(out IntPtr token);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int gp_cancel_token_cancel(IntPtr token);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int gp_cancel_token_free(IntPtr token);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr gp_last_error_json();

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr gp_result_name(int code);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int gp_set_log_callback(
            IntPtr callback, IntPtr userData, int maxLevel);

        /// <summary>Reads a string the library owns (never freed here).</summary>
        internal static string Borrowed(IntPtr text)
        {
            return text == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(text);
        }

        /// <summary>Reads a string the library handed over, and gives it back.</summary>
        internal static string Take(IntPtr text)
        {
            if (text == IntPtr.Zero)
            {
                return null;
            }
            try
            {
                return Marshal.PtrToStringUTF8(text);
            }
            finally
            {
                gp_string_free(text);
            }
        }

        /// <summary>
        /// Throws the calling thread's last error when <paramref name="code"/> is a failure.
        /// Must run on the thread that made the call: the last error is per thread.
        /// </summary>
        internal static void Check(int code)
        {
            if (code != GP_OK)
            {
                throw GraphProfileException.FromLastError(code);
            }
        }
    }
}
