#!/usr/bin/env bash
# The PowerShell module: build libgraph_profile and the emulator, stage the module with the
# fresh library (powershell/build.ps1), and run its Pester tests against the emulator.
# Fails when pwsh or Pester 5.7.1 is missing (.ci/install-tools.sh installs them).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
export PATH="$HOME/.dotnet/tools:$PATH"

pester="${GRAPH_PROFILE_PESTER:-$HOME/.cache/graph-profile-tools/pester/Pester/Pester.psd1}"
if ! command -v pwsh >/dev/null 2>&1; then
    echo "50-powershell: pwsh is not installed (run .ci/install-tools.sh)" >&2
    exit 1
fi
if [ ! -f "$pester" ]; then
    echo "50-powershell: Pester is missing at $pester (run .ci/install-tools.sh)" >&2
    exit 1
fi

cargo build -p graph-profile-ffi -p graph-profile-cli
pwsh -NoProfile -NonInteractive -File powershell/build.ps1 >/dev/null

# A hung test must not hang CI.
GRAPH_PROFILE_PESTER="$pester" timeout 900 pwsh -NoProfile -NonInteractive -Command '
    $ErrorActionPreference = "Stop"
    Import-Module $env:GRAPH_PROFILE_PESTER -RequiredVersion 5.7.1
    $config = New-PesterConfiguration
    $config.Run.Path = "powershell/tests"
    $config.Run.Exit = $true
    $config.Output.Verbosity = "Detailed"
    $config.Output.RenderMode = "Plaintext"
    Invoke-Pester -Configuration $config
'
