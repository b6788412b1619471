#Requires -Version 7.2
<#
.SYNOPSIS
    The PowerShell benchmarks of issue 7, against the emulator; writes a Markdown table.

.DESCRIPTION
    1. Import-Module GraphProfile time in a fresh pwsh (timed inside the process, median
       of -Runs), beside the same for a module with one empty function: the part every
       first import pays, whatever the module.
    2. Get-ProfileCertification of one entry versus Invoke-RestMethod with a hand-built
       request to the same emulator, in the same run, interleaved.
    3. 1,000 certifications piped from CSV into New-ProfileCertification, and the same
       rows through a hand-built Invoke-RestMethod loop.

    Run after powershell/build.ps1 and `cargo build -p graph-profile-cli`; for the release
    build, stage with `build.ps1 -Release -OutputPath ...` and point GRAPH_PROFILE_MODULE and
    GRAPH_PROFILE_BIN at it and at target/release/graph-profile.
#>
[CmdletBinding()]
param(
    [int] $Runs = 7,
    [int] $Reads = 200,
    [int] $Rows = 1000,

    # Which build of libgraph_profile and the emulator is measured, for the table.
    [string] $Build = 'debug'
)

$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../tests/TestSupport.psm1') -Force
$module = Get-TestModulePath
$pwsh = (Get-Command pwsh -CommandType Application | Select-Object -First 1).Source

function Get-Median([double[]] $Values) {
    $sorted = $Values | Sort-Object
    $sorted[[int][math]::Floor($sorted.Count / 2)]
}

function Measure-Import([string] $Module) {
    # Milliseconds Import-Module takes in a fresh pwsh (what it adds to a bare start),
    # timed inside the process so that the noise of starting one stays out; median of $Runs.
    $times = foreach ($run in 1..$Runs) {
        $script = "`$w = [Diagnostics.Stopwatch]::StartNew(); Import-Module '$Module'; " +
            '$w.Elapsed.TotalMilliseconds'
        [double](& $pwsh -NoProfile -NonInteractive -Command $script | Select-Object -Last 1)
    }
    # The fastest run too: the machine is shared, and the median carries its load.
    @{ Median = Get-Median $times; Fastest = ($times | Measure-Object -Minimum).Minimum }
}

# 1. Import time, against a module with one empty function: what any first import costs.
$empty = Join-Path ([System.IO.Path]::GetTempPath()) "graph-profile-bench-empty-$PID"
$null = New-Item -ItemType Directory -Path $empty -Force
Set-Content -Path (Join-Path $empty 'Empty.psm1') -Value 'function Get-Nothing { }'
$manifest = "@{ ModuleVersion = '1.0'; RootModule = 'Empty.psm1'; FunctionsToExport = 'Get-Nothing' }"
Set-Content -Path (Join-Path $empty 'Empty.psd1') -Value $manifest
$importEmpty = Measure-Import (Join-Path $empty 'Empty.psd1')
$importModule = Measure-Import $module
Remove-Item -Path $empty -Recurse

# 2 and 3 against one emulator.
Import-Module $module -Force
$emulator = Start-TestEmulator
try {
    Connect-TestEmulator $emulator
    $user = 'admin@contoso.com'
    $entry = New-ProfileCertification -UserId $user -DisplayName 'Benchmark' -IssuedDate 2025-04-28
    $token = Get-TestToken $emulator
    $headers = @{ Authorization = "Bearer $token" }
    $collection = "$($emulator.GraphUrl)/users/$([uri]::EscapeDataString($user))/profile/certifications"
    $uri = "$collection/$($entry.Id)"

    # Warm both paths, then interleave so both see the same machine load.
    foreach ($i in 1..20) {
        $null = Get-ProfileCertification -UserId $user -Id $entry.Id
        $null = Invoke-RestMethod -Uri $uri -Headers $headers
    }
    $moduleTimes = [System.Collections.Generic.List[double]]::new()
    $restTimes = [System.Collections.Generic.List[double]]::new()
    foreach ($i in 1..$Reads) {
        $viaModule = Measure-Command { $null = Get-ProfileCertification -UserId $user -Id $entry.Id }
        $viaRest = Measure-Command { $null = Invoke-RestMethod -Uri $uri -Headers $headers }
        $moduleTimes.Add($viaModule.TotalMilliseconds)
        $restTimes.Add($viaRest.TotalMilliseconds)
    }
    $moduleRead = Get-Median $moduleTimes
    $restRead = Get-Median $restTimes

    # 3. CSV pipelines, each to its own user so both start from an empty collection.
    $csv = Join-Path ([System.IO.Path]::GetTempPath()) "graph-profile-bench-$PID.csv"
    1..$Rows | ForEach-Object {
        [pscustomobject]@{
            UserId = 'adele.vance@contoso.com'; DisplayName = "Certification $_"
            IssuedDate = '2024-01-{0:d2}' -f (($_ % 28) + 1); AllowedAudiences = 'organization'
        }
    } | Export-Csv -Path $csv -NoTypeInformation
    $moduleCsv = (Measure-Command {
        Import-Csv $csv | New-ProfileCertification | Out-Null
    }).TotalSeconds
    $megan = [uri]::EscapeDataString('megan.bowen@contoso.com')
    $restBase = "$($emulator.GraphUrl)/users/$megan/profile/certifications"
    $restCsv = (Measure-Command {
        foreach ($row in Import-Csv $csv) {
            $body = ConvertTo-Json @{
                displayName = $row.DisplayName; issuedDate = $row.IssuedDate
                allowedAudiences = $row.AllowedAudiences
            }
            $null = Invoke-RestMethod -Method Post -Uri $restBase -Headers $headers -Body $body `
                -ContentType 'application/json'
        }
    }).TotalSeconds
    Remove-Item $csv
    $stored = (Get-ProfileCertification -UserId 'adele.vance@contoso.com').Count
}
finally {
    Disconnect-GraphProfile
    Stop-TestEmulator $emulator
}

$cpu = Get-Content /proc/cpuinfo -ErrorAction SilentlyContinue | Select-String 'model name' |
    Select-Object -First 1
$cpu = "$cpu" -replace '.*:\s*', ''
$load = (Get-Content /proc/loadavg -ErrorAction SilentlyContinue) -split ' ' | Select-Object -First 1
$cores = [System.Environment]::ProcessorCount
@"
Machine: $cores cores$(if ($cpu) { ", $cpu" }), PowerShell $($PSVersionTable.PSVersion),
$Build build of libgraph_profile and the emulator, on loopback; load average $load.

| measure | result | target |
|---|---|---|
| ``Import-Module GraphProfile`` in a fresh pwsh, median of $Runs (fastest) | $([math]::Round($importModule.Median)) ms ($([math]::Round($importModule.Fastest)) ms) | ≤ 300 ms |
| ``Import-Module`` of a module with one empty function, for scale | $([math]::Round($importEmpty.Median)) ms ($([math]::Round($importEmpty.Fastest)) ms) | |
| ``Get-ProfileCertification -Id`` (one entry, median of $Reads) | $([math]::Round($moduleRead, 2)) ms | |
| ``Invoke-RestMethod`` of the same entry, hand-built (median of $Reads) | $([math]::Round($restRead, 2)) ms | |
| ratio module / hand-built | $([math]::Round($moduleRead / $restRead, 2))× | ≤ 1.0× |
| $Rows certifications: ``Import-Csv \| New-ProfileCertification`` | $([math]::Round($moduleCsv, 2)) s ($([math]::Round($Rows / $moduleCsv)) per s; $stored stored) | |
| $Rows certifications: hand-built ``Invoke-RestMethod`` loop | $([math]::Round($restCsv, 2)) s ($([math]::Round($Rows / $restCsv)) per s) | |
"@
