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
if (-not ('GraphProfile.Native.NativeLibraryLoader' -as [type])) {
    $runtime = [System.Environment]::Version.Major
    $best = $null
    foreach ($folder in [System.IO.Directory]::GetDirectories((Join-Path $PSScriptRoot 'lib'))) {
        $name = [System.IO.Path]::GetFileName($folder)
        if ($name -match '^net(\d+)$' -and [int]$Matches[1] -le $runtime -and
            (-not $best -or [int]$Matches[1] -gt $best.Version)) {
            $best = @{ Version = [int]$Matches[1]; Path = Join-Path $folder 'GraphProfile.Native.dll' }
        }
    }
    if ($best) {
        Add-Type -Path $best.Path
    }
    else {
        Add-Type -Path ([System.IO.Directory]::GetFiles((Join-Path $PSScriptRoot 'src'), '*.cs'))
    }
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
