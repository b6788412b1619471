// Finds libgraph_profile inside the module, per operating system and architecture.
//
// The module ships one native library per runtime under runtimes/<rid>/native/, as NuGet
// packages do; a DllImport resolver points "graph_profile" at the one for this process.

using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;

namespace GraphProfile.Native
{
    /// <summary>Loads the native library once per process and checks its ABI version.</summary>
    public static class NativeLibraryLoader
    {
        /// <summary>The ABI version this module was written against (GP_ABI_VERSION).</summary>
        public const uint AbiVersion = 1;

        private static readonly object Gate = new object();
        private static IntPtr handle;
        private static string path;

        /// <summary>The full path of the library that was loaded, or null before.</summary>
        public static string LoadedPath { get; private set; }

        /// <summary>The runtime identifier of this process, as the folder names use it.</summary>
        public static string RuntimeIdentifier
        {
            get
            {
                string os;
                if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                {
                    os = "win";
                }
                else if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
                {
                    os = "osx";
                }
                else
                {
                    os = "linux";
                }
                string arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
                return os + "-" + arch;
            }
        }

        /// <summary>The library's file name on this operating system.</summary>
        public static string FileName
        {
            get
            {
                if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                {
                    return "graph_profile.dll";
                }
                return RuntimeInformation.IsOSPlatform(OSPlatform.OSX)
                    ? "libgraph_profile.dylib"
                    : "libgraph_profile.so";
            }
        }

        /// <summary>
        /// Points "graph_profile" at runtimes/&lt;rid&gt;/native/&lt;library&gt; under
        /// <paramref name="moduleRoot"/>.  The library itself is loaded, and its ABI version
        /// checked, on the first call into it, which keeps importing the module fast.
        /// Importing the module again is harmless: a loaded library stays for the process.
        /// </summary>
        public static void Initialize(string moduleRoot)
        {
            lock (Gate)
            {
                if (path != null)
                {
                    return;
                }
                path = Path.Combine(moduleRoot, "runtimes", RuntimeIdentifier, "native", FileName);
                if (!File.Exists(path))
                {
                    string missing = path;
                    path = null;
                    throw new FileNotFoundException(
                        "GraphProfile has no native library for " + RuntimeIdentifier + ": "
                        + missing + " is missing.  Build the module for this platform"
                        + " (powershell/build.ps1).",
                        missing);
                }
                NativeLibrary.SetDllImportResolver(typeof(NativeLibraryLoader).Assembly, Resolve);
            }
        }

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate uint AbiVersionFunction();

        private static IntPtr Resolve(
            string name, Assembly assembly, DllImportSearchPath? searchPath)
        {
            if (name != NativeMethods.Library)
            {
                return IntPtr.Zero;
            }
            lock (Gate)
            {
                if (handle != IntPtr.Zero)
                {
                    return handle;
                }
                IntPtr loaded = NativeLibrary.Load(path);

                // Through the export, not the P/Invoke: this runs while that is being resolved.
                var abiVersion = Marshal.GetDelegateForFunctionPointer<AbiVersionFunction>(
                    NativeLibrary.GetExport(loaded, "gp_abi_version"));
                uint found = abiVersion();
                if (found != AbiVersion)
                {
                    NativeLibrary.Free(loaded);
                    throw new InvalidOperationException(
                        "GraphProfile expects libgraph_profile ABI version " + AbiVersion + ", but "
                        + path + " has version " + found + ".  Rebuild the module.");
                }
                handle = loaded;
                LoadedPath = path;
                return handle;
            }
        }

        /// <summary>The library's own version ("MAJOR.MINOR.PATCH").</summary>
        public static string LibraryVersion
        {
            get { return NativeMethods.Borrowed(NativeMethods.gp_version()); }
        }

    }
}
