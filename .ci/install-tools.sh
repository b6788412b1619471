#!/usr/bin/env bash
# Installs what the test suites need and a fresh clone lacks: pwsh, Pester,
# Chromium with chromedriver, gcc and valgrind, and the Python test tools.
# Idempotent; every step fails loudly, because a suite whose tool is missing
# must not pass.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
tools=${GRAPH_PROFILE_TOOLS:-$HOME/.cache/graph-profile-tools}
mkdir -p "$tools"
export PATH="$HOME/.dotnet/tools:$PATH"

if ! command -v pwsh >/dev/null 2>&1; then
    echo "install-tools: pwsh not on PATH, installing PowerShell 7.6.10"
    dotnet tool install --global PowerShell --version 7.6.10
fi
pwsh -NoLogo -NoProfile -Command '$PSVersionTable.PSVersion.ToString()'

pester_dir=$tools/pester
if [ ! -f "$pester_dir/Pester/Pester.psd1" ]; then
    echo "install-tools: fetching Pester 5.7.1 from NuGet"
    work=$(mktemp -d)
    cat >"$work/fetch.csproj" <<'XML'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageDownload Include="Pester" Version="[5.7.1]" /></ItemGroup>
</Project>
XML
    dotnet restore "$work/fetch.csproj" --packages "$work/pkgs" >/dev/null
    rm -rf "$pester_dir"
    mkdir -p "$pester_dir"
    cp -r "$work/pkgs/pester/5.7.1/tools" "$pester_dir/Pester"
    rm -rf "$work"
fi
test -f "$pester_dir/Pester/Pester.psd1"

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
    echo "install-tools: installing chromium and chromium-driver"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi
chromium --version

# The C ABI suite (30-c-abi) compiles its test program with gcc and runs it under valgrind.
if ! command -v gcc >/dev/null 2>&1 || ! command -v valgrind >/dev/null 2>&1; then
    echo "install-tools: installing gcc and valgrind"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc libc6-dev valgrind >/dev/null
fi
valgrind --version

echo "install-tools: done"
