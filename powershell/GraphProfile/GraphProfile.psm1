# GraphProfile: PowerShell commands for Microsoft Graph profile facets, over libgraph_profile.
#
# Glue only.  The Graph work (validation, path encoding, paging, retries, sign-in) is done
# by the Rust core behind the C ABI; these scripts map parameters to drafts and patches,
# answers to typed objects, and failures to ErrorRecords.  GraphProfile.Native.dll (the
# P/Invoke layer, compiled from src/ by build.ps1) is loaded by the manifest.

Set-StrictMode -Version 3.0

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
