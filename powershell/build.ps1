#Requires -Version 7.2
<#
.SYNOPSIS
    Stages the GraphProfile module with a freshly built libgraph_profile.

.DESCRIPTION
    Copies powershell/GraphProfile to the output folder, compiles the module's C# glue
    (src/*.cs) into lib/net<N>/GraphProfile.Native.dll with PowerShell's in-box compiler
    (Add-Type; no .NET SDK needed), and places the native library under
    runtimes/<rid>/native/, where the module finds it at import.

    With -Cargo it first runs `cargo build -p graph-profile-ffi` (add -Release for an
    optimised library).  Without it, the library already built in target/ is used.

.EXAMPLE
    pwsh powershell/build.ps1 -Cargo
    Import-Module ./powershell/out/GraphProfile

.EXAMPLE
    pwsh powershell/build.ps1 -Release
    pwsh powershell/build.ps1 -AddRuntime -Runtime win-x64 -NativeLibrary ./graph_profile.dll
    pwsh powershell/build.ps1 -AddRuntime -Runtime osx-arm64 -NativeLibrary ./libgraph_profile.dylib

    Stages one module that runs on Linux, Windows and macOS, from libraries built on each.
#>
[CmdletBinding()]
param(
    # Where the staged module goes; the folder is replaced.
    [string] $OutputPath = (Join-Path $PSScriptRoot 'out/GraphProfile'),

    # The native library to stage; default: the one in target/debug (or target/release).
    [string] $NativeLibrary,

    # The runtime folder the library goes in (win-x64, linux-arm64, osx-arm64, ...);
    # default: this machine's.
    [string] $Runtime,

    # Build the library with cargo first.
    [switch] $Cargo,

    # Use (and with -Cargo, build) the release profile instead of debug.
    [switch] $Release,

    # Only add this runtime's library to a module staged already (to package several
    # platforms: stage once, then add each platform's library built there).
    [switch] $AddRuntime
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$repo = Split-Path $PSScriptRoot -Parent
$source = Join-Path $PSScriptRoot 'GraphProfile'
$profileName = if ($Release) { 'release' } else { 'debug' }

if ($Cargo) {
    $cargoArgs = @('build', '-p', 'graph-profile-ffi')
    if ($Release) { $cargoArgs += '--release' }
    & cargo @cargoArgs
    if ($LASTEXITCODE -ne 0) { throw "cargo $($cargoArgs -join ' ') failed ($LASTEXITCODE)" }
}

# The runtime identifier and library name, the same way the module computes them.
if (-not $Runtime) {
    $os = if ($IsWindows) { 'win' } elseif ($IsMacOS) { 'osx' } else { 'linux' }
    $arch = [System.Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture
    $Runtime = "$os-$($arch.ToString().ToLowerInvariant())"
}
$fileName = switch -Wildcard ($Runtime) {
    'win-*' { 'graph_profile.dll' }
    'osx-*' { 'libgraph_profile.dylib' }
    default { 'libgraph_profile.so' }
}
if (-not $NativeLibrary) {
    $targetDir = $env:CARGO_TARGET_DIR
    if (-not $targetDir) { $targetDir = Join-Path $repo 'target' }
    $NativeLibrary = Join-Path $targetDir $profileName $fileName
}
if (-not (Test-Path -LiteralPath $NativeLibrary -PathType Leaf)) {
    throw "No native library at ${NativeLibrary}: build it (-Cargo does)."
}

$nativeDir = Join-Path $OutputPath "runtimes/$Runtime/native"
if ($AddRuntime) {
    if (-not (Test-Path -LiteralPath (Join-Path $OutputPath 'GraphProfile.psd1'))) {
        throw "-AddRuntime needs a module staged in $OutputPath already."
    }
    $null = New-Item -ItemType Directory -Path $nativeDir -Force
    Copy-Item -LiteralPath $NativeLibrary -Destination (Join-Path $nativeDir $fileName)
    return Get-Item -LiteralPath $OutputPath
}

# A fresh folder, so nothing of an older build survives.
if (Test-Path -LiteralPath $OutputPath) {
    Remove-Item -LiteralPath $OutputPath -Recurse -Force
}
$null = New-Item -ItemType Directory -Path $OutputPath
Get-ChildItem -LiteralPath $source -Exclude 'Private', 'Public', 'GraphProfile.psm1' |
    Copy-Item -Destination $OutputPath -Recurse

# One script file: the module's scripts in place of the block that dot-sources them, since
# each extra file costs time at import.
$scripts = foreach ($folder in 'Private', 'Public') {
    Get-ChildItem -LiteralPath (Join-Path $source $folder) -Filter '*.ps1' | Sort-Object Name |
        ForEach-Object { "# ---- $folder/$($_.Name)"; Get-Content -LiteralPath $_.FullName -Raw }
}
$rootModule = Get-Content -LiteralPath (Join-Path $source 'GraphProfile.psm1') -Raw
$pattern = '(?s)#region scripts.*#endregion scripts'
if ($rootModule -notmatch $pattern) { throw 'GraphProfile.psm1 lost its #region scripts block.' }
$merged = [regex]::Replace($rootModule, $pattern, { param($match) $scripts -join "`n" })
Set-Content -LiteralPath (Join-Path $OutputPath 'GraphProfile.psm1') -Value $merged -NoNewline

# The C# glue, compiled once here so that importing only loads a DLL.  It references this
# pwsh's .NET, so it goes in lib/net<major>; the module compiles src/ (staged too) on
# older runtimes.
$sources = Get-ChildItem -LiteralPath (Join-Path $source 'src') -Filter '*.cs' |
    Sort-Object Name | ForEach-Object FullName
$libDir = Join-Path $OutputPath "lib/net$([System.Environment]::Version.Major)"
$null = New-Item -ItemType Directory -Path $libDir
$assembly = Join-Path $libDir 'GraphProfile.Native.dll'
Add-Type -Path $sources -OutputAssembly $assembly -OutputType Library

$null = New-Item -ItemType Directory -Path $nativeDir -Force
Copy-Item -LiteralPath $NativeLibrary -Destination (Join-Path $nativeDir $fileName)

Write-Verbose "Staged GraphProfile for $Runtime in $OutputPath"
Get-Item -LiteralPath $OutputPath
