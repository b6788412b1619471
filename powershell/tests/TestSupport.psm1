# What every GraphProfile test file shares: the staged module's path, and the emulator,
# started as a subprocess (`graph-profile emulator ... --demo`) and talked to over HTTP.

Set-StrictMode -Version 3.0

$script:Repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path

function Get-TestModulePath {
    # The module staged by build.ps1 (tests/suites/50-powershell.sh stages it first).
    $path = if ($env:GRAPH_PROFILE_MODULE) { $env:GRAPH_PROFILE_MODULE }
    else { Join-Path $script:Repo 'powershell/out/GraphProfile' }
    if (-not (Test-Path (Join-Path $path 'GraphProfile.psd1'))) {
        throw "No staged module at ${path}: run pwsh powershell/build.ps1 first."
    }
    Join-Path $path 'GraphProfile.psd1'
}

function Start-TestEmulator {
    # Starts an emulator with the demo tenant and an in-memory store; its first line of
    # output is the base URL.
    $exe = if ($env:GRAPH_PROFILE_BIN) { $env:GRAPH_PROFILE_BIN }
    else { Join-Path $script:Repo 'target/debug/graph-profile' }
    if ($IsWindows -and -not $exe.EndsWith('.exe')) { $exe += '.exe' }
    if (-not (Test-Path $exe)) {
        throw "No graph-profile binary at ${exe}: cargo build -p graph-profile-cli first."
    }

    $start = [System.Diagnostics.ProcessStartInfo]::new($exe)
    foreach ($argument in 'emulator', '--listen', '127.0.0.1:0', '--db', ':memory:', '--demo') {
        $start.ArgumentList.Add($argument)
    }
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($start)

    $firstLine = $process.StandardOutput.ReadLineAsync()
    if (-not $firstLine.Wait([timespan]::FromSeconds(30)) -or -not $firstLine.Result) {
        $process.Kill()
        throw "The emulator printed no base URL in 30 s: $($process.StandardError.ReadToEnd())"
    }
    # Keep both pipes drained so the emulator never blocks on a full one.
    $null = $process.StandardOutput.BaseStream.CopyToAsync([System.IO.Stream]::Null)
    $null = $process.StandardError.BaseStream.CopyToAsync([System.IO.Stream]::Null)

    $base = $firstLine.Result.Trim().TrimEnd('/')
    [pscustomobject]@{ Process = $process; BaseUrl = $base; GraphUrl = "$base/beta" }
}

function Stop-TestEmulator {
    param($Emulator)

    if ($Emulator -and -not $Emulator.Process.HasExited) {
        $Emulator.Process.Kill()
        $null = $Emulator.Process.WaitForExit(10000)
    }
}

function Get-TestToken {
    # A delegated token from the emulator's test endpoint.
    param(
        [Parameter(Mandatory)] $Emulator,
        [string] $User = 'admin@contoso.com',
        [string] $Scopes = 'User.ReadWrite.All'
    )

    $query = "user=$([uri]::EscapeDataString($User))&scopes=$([uri]::EscapeDataString($Scopes))"
    (Invoke-RestMethod -Uri "$($Emulator.BaseUrl)/emulator/token?$query").access_token
}

function Connect-TestEmulator {
    # Connects GraphProfile to the emulator as the demo administrator.
    param([Parameter(Mandatory)] $Emulator)

    $token = ConvertTo-SecureString (Get-TestToken $Emulator) -AsPlainText -Force
    Connect-GraphProfile -AccessToken $token -GraphUrl $Emulator.GraphUrl -AuthorityUrl $Emulator.BaseUrl
}

function Invoke-TestGraph {
    # A hand-built request to the emulator, as scripts without GraphProfile make them.
    param(
        [Parameter(Mandatory)] $Emulator,
        [string] $Method = 'GET',
        [Parameter(Mandatory)] [string] $Path,
        $Body
    )

    $headers = @{ Authorization = "Bearer $(Get-TestToken $Emulator)" }
    $request = @{ Method = $Method; Uri = "$($Emulator.GraphUrl)$Path"; Headers = $headers }
    if ($null -ne $Body) {
        $request.Body = ConvertTo-Json -InputObject $Body -Depth 8
        $request.ContentType = 'application/json'
    }
    Invoke-RestMethod @request
}

function Get-StoredEntry {
    # What the emulator stores for a user's facet, read over plain HTTP (not the module).
    param(
        [Parameter(Mandatory)] $Emulator,
        [string] $User = 'admin@contoso.com',
        [Parameter(Mandatory)] [string] $Kind
    )

    $path = "/users/$([uri]::EscapeDataString($User))/profile/$Kind"
    @((Invoke-TestGraph -Emulator $Emulator -Path $path).value)
}

function Set-EmulatorConfig {
    # Changes the emulator's faults (throttling, latency): POST /emulator/config.
    param([Parameter(Mandatory)] $Emulator, [Parameter(Mandatory)] [string] $Json)

    $uri = "$($Emulator.BaseUrl)/emulator/config"
    $null = Invoke-RestMethod -Method Post -Uri $uri -Body $Json -ContentType 'application/json'
}

function Clear-EmulatorJournal {
    # Forgets the requests answered so far (DELETE /emulator/journal).
    param([Parameter(Mandatory)] $Emulator)

    $null = Invoke-RestMethod -Method Delete -Uri "$($Emulator.BaseUrl)/emulator/journal"
}

function Get-EmulatorJournal {
    # The requests the emulator answered since the journal was last cleared (method, path,
    # status, ...); its own /emulator/... routes are never in it.
    param([Parameter(Mandatory)] $Emulator)

    @((Invoke-RestMethod -Uri "$($Emulator.BaseUrl)/emulator/journal").value)
}

function Get-WhatIfMessage {
    # The "What if:" lines a script block writes: they go to the host, not to a stream, so
    # they are read from a transcript.
    param([Parameter(Mandatory)] [scriptblock] $ScriptBlock)

    $file = [System.IO.Path]::GetTempFileName()
    try {
        $null = Start-Transcript -Path $file -Force
        # Dot-sourced, so -ErrorVariable inside it sets the caller's variable.
        try { $null = . $ScriptBlock } finally { $null = Stop-Transcript }
        @(Get-Content $file | Where-Object { $_ -like 'What if:*' })
    }
    finally {
        Remove-Item $file -ErrorAction SilentlyContinue
    }
}

Export-ModuleMember -Function *
