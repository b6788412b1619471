# GraphProfile: PowerShell commands for Microsoft Graph profile facets, over libgraph_profile.
#
# Glue only.  The Graph work (validation, path encoding, paging, retries, sign-in) is done
# by the Rust core behind the C ABI; these scripts map parameters to drafts and patches,
# answers to typed objects, and failures to ErrorRecords.  GraphProfile.Native.dll (the
# P/Invoke layer, compiled from src/ by build.ps1) is loaded by the manifest.

Set-StrictMode -Version 3.0

# The compiled glue: lib/net<N>/GraphProfile.Native.dll, built by build.ps1 against .NET N
# (the runtime of the pwsh that built it).  It loads on that .NET and later ones; an older
# PowerShell (7.2 runs on .NET 6) compiles the same source in memory instead, once per
# session, which is slower but needs no SDK either.
# .NET calls only: the first use of a cmdlet or of -match costs more here than the rest.
$runtime = [System.Environment]::Version.Major
$glue = [System.IO.Path]::Combine($PSScriptRoot, 'lib', "net$runtime", 'GraphProfile.Native.dll')
$glueVersion = 0
$folders = @()
if (-not [System.IO.File]::Exists($glue)) {
    # Not built for this runtime: the newest build for an older one, if any.
    $glue = $null
    $folders = [System.IO.Directory]::GetDirectories([System.IO.Path]::Combine($PSScriptRoot, 'lib'))
}
foreach ($folder in $folders) {
    $name = [System.IO.Path]::GetFileName($folder)
    $version = 0
    if ($name.StartsWith('net') -and [int]::TryParse($name.Substring(3), [ref]$version) -and
        $version -le $runtime -and $version -gt $glueVersion) {
        $glue = [System.IO.Path]::Combine($folder, 'GraphProfile.Native.dll')
        $glueVersion = $version
    }
}
if ($glue) {
    # Not Add-Type: the cmdlet's own start costs more than the whole DLL.  Loading the same
    # path again (Import-Module -Force) gives back the assembly loaded already.
    $null = [System.Reflection.Assembly]::LoadFrom($glue)
}
elseif (-not ('GraphProfile.Native.NativeLibraryLoader' -as [type])) {
    $sources = [System.IO.Path]::Combine($PSScriptRoot, 'src')
    Add-Type -Path ([System.IO.Directory]::GetFiles($sources, '*.cs'))
}
[GraphProfile.Native.NativeLibraryLoader]::Initialize($PSScriptRoot)

# The commands.  build.ps1 replaces this block with the scripts' text, so that importing
# reads one file.
#region scripts
foreach ($folder in 'Private', 'Public') {
    foreach ($script in Get-ChildItem -Path (Join-Path $PSScriptRoot $folder) -Filter '*.ps1') {
        . $script.FullName
    }
}
#endregion scripts

$ExecutionContext.SessionState.Module.OnRemove = {
    Close-GraphProfileSession
    [GraphProfile.Native.MessageQueue]::Stop()
}
