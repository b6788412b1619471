# Connect-GraphProfile, Disconnect-GraphProfile, Get-GraphProfileContext against the emulator.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    # Failed items land in $failures and the pipeline goes on.
    $script:quiet = @{ ErrorVariable = 'failures'; ErrorAction = 'SilentlyContinue' }
    Import-Module (Get-TestModulePath) -Force
    $script:emulator = Start-TestEmulator
}

AfterAll {
    Disconnect-GraphProfile
    Stop-TestEmulator $script:emulator
}

Describe 'Connect-GraphProfile' {
    AfterEach {
        Disconnect-GraphProfile
    }

    It 'connects with -AccessToken, and the context never shows the token' {
        $token = Get-TestToken $emulator
        $secure = ConvertTo-SecureString $token -AsPlainText -Force
        Connect-GraphProfile -AccessToken $secure -GraphUrl $emulator.GraphUrl

        $context = Get-GraphProfileContext
        $context.PSObject.TypeNames[0] | Should -Be 'GraphProfile.Context'
        $context.AuthType | Should -Be 'AccessToken'
        $context.GraphUrl | Should -Be $emulator.GraphUrl
        ($context | ConvertTo-Json -Depth 5) | Should -Not -Match ([regex]::Escape($token))
        ($context | Format-List * | Out-String) | Should -Not -Match ([regex]::Escape($token))

        { Get-ProfileCertification -UserId admin@contoso.com -ErrorAction Stop } | Should -Not -Throw
    }

    It 'asks -TokenProvider on the pipeline thread as each command starts' {
        $state = [pscustomobject]@{
            Calls    = 0
            Threads  = [System.Collections.Generic.List[int]]::new()
            Emulator = $emulator
        }
        Connect-GraphProfile -GraphUrl $emulator.GraphUrl -TokenProvider {
            $state.Calls++
            $state.Threads.Add([System.Threading.Thread]::CurrentThread.ManagedThreadId)
            ConvertTo-SecureString (Get-TestToken $state.Emulator) -AsPlainText -Force
        }.GetNewClosure()

        Get-ProfileCertification -UserId admin@contoso.com -ErrorAction Stop | Out-Null
        Get-ProfileAward -UserId admin@contoso.com -ErrorAction Stop | Out-Null
        $state.Calls | Should -BeGreaterOrEqual 2
        $pipelineThread = [System.Threading.Thread]::CurrentThread.ManagedThreadId
        $state.Threads | ForEach-Object { $_ | Should -Be $pipelineThread }
    }

    It 'connects with client credentials' {
        $secret = ConvertTo-SecureString 'demo-secret' -AsPlainText -Force
        Connect-GraphProfile -ClientId '00000000-0000-0000-0000-0000000000a1' `
            -TenantId '8f5c2d3e-0b1a-4c6d-9e7f-123456789abc' -ClientSecret $secret `
            -GraphUrl $emulator.GraphUrl -AuthorityUrl $emulator.BaseUrl
        (Get-GraphProfileContext).AuthType | Should -Be 'ClientSecret'
        (Get-GraphProfileContext | ConvertTo-Json) | Should -Not -Match 'demo-secret'
        { Get-ProfileCertification -UserId admin@contoso.com -ErrorAction Stop } | Should -Not -Throw
    }

    It 'refuses a wrong client secret with an Unauthorized error' {
        $secret = ConvertTo-SecureString 'wrong' -AsPlainText -Force
        Connect-GraphProfile -ClientId '00000000-0000-0000-0000-0000000000a1' `
            -TenantId '8f5c2d3e-0b1a-4c6d-9e7f-123456789abc' -ClientSecret $secret `
            -GraphUrl $emulator.GraphUrl -AuthorityUrl $emulator.BaseUrl
        Get-ProfileCertification -UserId admin@contoso.com @quiet
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ProfileCertificationUnauthorized,*'
    }

    It 'signs in with -DeviceCode, showing the code and the URL' {
        $module = Get-TestModulePath
        $graphUrl = $emulator.GraphUrl
        $authorityUrl = $emulator.BaseUrl
        $job = Start-ThreadJob -ScriptBlock {
            Import-Module $using:module
            Connect-GraphProfile -DeviceCode -ClientId 'device-test' -TenantId 'organizations' `
                -GraphUrl $using:graphUrl -AuthorityUrl $using:authorityUrl
            (Get-GraphProfileContext).AuthType
            Get-ProfileCertification -ErrorAction Stop | Measure-Object | ForEach-Object Count
        }

        # The prompt reaches the job's information stream while Connect waits.
        $deadline = [datetime]::UtcNow.AddSeconds(30)
        $prompt = $null
        while (-not $prompt -and [datetime]::UtcNow -lt $deadline) {
            Start-Sleep -Milliseconds 100
            $prompt = $job.Information | Where-Object { "$($_.MessageData)" -match 'code' } |
                Select-Object -First 1
        }
        $prompt | Should -Not -BeNullOrEmpty -Because 'the code and URL are shown'
        $text = "$($prompt.MessageData)"
        $text | Should -Match 'http'
        $code = [regex]::Match($text, 'code ([A-Z0-9-]+)').Groups[1].Value
        $code | Should -Not -BeNullOrEmpty

        $approval = @{ user_code = $code; user = 'admin@contoso.com' } | ConvertTo-Json
        $approve = "$($emulator.BaseUrl)/emulator/devicecode/approve"
        $null = Invoke-RestMethod -Method Post -Uri $approve -Body $approval -ContentType 'application/json'

        $output = $job | Wait-Job -Timeout 60 | Receive-Job -ErrorAction Stop
        $job | Remove-Job -Force
        $output[0] | Should -Be 'DeviceCode'
        $output[1] | Should -BeOfType [int]
    }

    It 'takes -Environment' {
        Connect-GraphProfile -AccessToken (ConvertTo-SecureString 'x' -AsPlainText -Force) -Environment USGov
        (Get-GraphProfileContext).Environment | Should -Be 'USGov'
        $token = ConvertTo-SecureString 'x' -AsPlainText -Force
        { Connect-GraphProfile -AccessToken $token -Environment Mars } |
            Should -Throw
    }
}

Describe 'Disconnect-GraphProfile and not being connected' {
    It 'makes commands fail with GraphProfileNotConnected' {
        Connect-TestEmulator $emulator
        Disconnect-GraphProfile
        Get-GraphProfileContext | Should -BeNullOrEmpty
        $failure = { Get-ProfileCertification } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike 'GraphProfileNotConnected,*'
    }

    It 'is harmless when not connected' {
        { Disconnect-GraphProfile; Disconnect-GraphProfile } | Should -Not -Throw
    }

    It 'fails a request with a bad token as Unauthorized, and goes on' {
        $bad = ConvertTo-SecureString 'not-a-token' -AsPlainText -Force
        Connect-GraphProfile -AccessToken $bad -GraphUrl $emulator.GraphUrl
        Get-ProfileCertification -UserId admin@contoso.com @quiet
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ProfileCertificationUnauthorized,*'
        $failures[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        Disconnect-GraphProfile
    }
}

Describe 'A failing token provider' {
    It 'stops the command with GraphProfileTokenProvider' {
        Connect-GraphProfile -GraphUrl $emulator.GraphUrl -TokenProvider { throw 'vault locked' }
        $failure = { Get-ProfileCertification -UserId admin@contoso.com } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike 'GraphProfileTokenProvider,*'
        "$($failure.ErrorDetails)" | Should -Match 'vault locked'
        Disconnect-GraphProfile
    }
}

Describe 'A configuration the core refuses' {
    It 'fails Connect-GraphProfile with GraphProfileConfiguration, naming the problem' {
        $token = ConvertTo-SecureString 'abc' -AsPlainText -Force
        $failure = { Connect-GraphProfile -AccessToken $token -GraphUrl 'http://graph.example.com/beta' } |
            Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike 'GraphProfileConfiguration,*'
        $failure.Exception.Message | Should -Match 'https'
        Get-GraphProfileContext | Should -BeNullOrEmpty
    }
}
