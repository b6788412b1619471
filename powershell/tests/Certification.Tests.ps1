# Get-, New-, Update-, Remove-ProfileCertification against the emulator.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    # Failed items land in $failures and the pipeline goes on.
    $script:quiet = @{ ErrorVariable = 'failures'; ErrorAction = 'SilentlyContinue' }
    Import-Module (Get-TestModulePath) -Force
    $script:emulator = Start-TestEmulator
    Connect-TestEmulator $script:emulator
    $script:admin = 'admin@contoso.com'
    $script:guest = 'ann_fabrikam.com#EXT#@contoso.com'
}

AfterAll {
    Disconnect-GraphProfile
    Stop-TestEmulator $script:emulator
}

Describe 'New-ProfileCertification' {
    It 'creates a certification with every field and writes it typed' {
        $created = New-ProfileCertification -UserId $admin -DisplayName 'Azure Administrator' `
            -CertificationId 'exam.az-104' -Description 'Manages Azure' -IssuingAuthority 'Microsoft Learn' `
            -IssuingCompany 'Microsoft' -IssuedDate '2024-01-15' -StartDate '2024-01-15' `
            -EndDate '2025-01-15' -WebUrl 'https://learn.microsoft.com/credentials' `
            -AllowedAudiences organization -IsSearchable $true

        $created.PSObject.TypeNames[0] | Should -Be 'GraphProfile.Certification'
        $created.Id | Should -Not -BeNullOrEmpty
        $created.UserId | Should -Be $admin
        $created.IssuedDate | Should -BeOfType [datetime]
        $created.EndDate | Should -Be ([datetime]'2025-01-15')

        $stored = Get-StoredEntry $emulator -Kind certifications | Where-Object id -eq $created.Id
        $stored.displayName | Should -Be 'Azure Administrator'
        $stored.certificationId | Should -Be 'exam.az-104'
        $stored.issuingCompany | Should -Be 'Microsoft'
        $stored.issuedDate | Should -Be '2024-01-15'
        $stored.endDate | Should -Be '2025-01-15'
        $stored.allowedAudiences | Should -Be 'organization'
        $stored.isSearchable | Should -BeTrue
    }

    It 'sends a [datetime] as its own calendar date, whatever its time of day and kind' {
        # Late evening, local kind: a conversion to UTC would move it to another day in
        # one direction or the other.
        $issued = [datetime]::new(2025, 4, 28, 23, 30, 0, [System.DateTimeKind]::Local)
        $ending = [datetime]::new(2027, 4, 29, 0, 15, 0, [System.DateTimeKind]::Utc)
        $created = New-ProfileCertification -UserId $admin -DisplayName 'Dates' `
            -IssuedDate $issued -EndDate $ending

        $stored = Get-StoredEntry $emulator -Kind certifications | Where-Object id -eq $created.Id
        $stored.issuedDate | Should -Be '2025-04-28'
        $stored.endDate | Should -Be '2027-04-29'
    }

    It 'takes several audiences' {
        $created = New-ProfileCertification -UserId $admin -DisplayName 'Audiences' `
            -AllowedAudiences contacts, organization
        $stored = Get-StoredEntry $emulator -Kind certifications | Where-Object id -eq $created.Id
        ($stored.allowedAudiences -split ',').Trim() | Sort-Object | Should -Be @('contacts', 'organization')
    }

    It 'works for a guest, whose name holds #EXT#' {
        $created = New-ProfileCertification -UserId $guest -DisplayName 'Guest certification'
        $created.UserId | Should -Be $guest
        (Get-StoredEntry $emulator -User $guest -Kind certifications).displayName |
            Should -Contain 'Guest certification'
    }

    It 'takes the user as an object id as well' {
        $id = (Invoke-TestGraph $emulator -Path '/users/megan.bowen@contoso.com?$select=id').id
        $created = New-ProfileCertification -UserId $id -DisplayName 'By object id'
        $created.UserId | Should -Be $id
        (Get-ProfileCertification -UserId $id -Id $created.Id).DisplayName | Should -Be 'By object id'
        Remove-ProfileCertification -UserId $id -Id $created.Id -Confirm:$false
        Get-StoredEntry $emulator -User 'megan.bowen@contoso.com' -Kind certifications |
            Should -BeNullOrEmpty
    }

    It 'changes nothing with -WhatIf' {
        $before = (Get-StoredEntry $emulator -Kind certifications).Count
        $result = New-ProfileCertification -UserId $admin -DisplayName 'Not created' -WhatIf
        $result | Should -BeNullOrEmpty
        (Get-StoredEntry $emulator -Kind certifications).Count | Should -Be $before
    }

    It 'writes a ProfileCertificationValidation error naming the field, and sends nothing' -TestCases @(
        @{
            Case = 'an invalid date'; Field = 'issuedDate'
            Arguments = @{ DisplayName = 'Bad date'; IssuedDate = '2025-02-30' }
        }
        @{
            Case = 'an unknown audience'; Field = 'allowedAudiences'
            Arguments = @{ DisplayName = 'Bad audience'; AllowedAudiences = 'planet' }
        }
        @{
            Case = 'an end before the start'; Field = 'endDate'
            Arguments = @{ DisplayName = 'Backwards'; IssuedDate = '2025-04-28'; EndDate = '2024-01-01' }
        }
        @{
            Case = 'a missing display name'; Field = 'displayName'
            Arguments = @{ IssuingCompany = 'Microsoft' }
        }
    ) {
        param($Case, $Field, $Arguments)

        Clear-EmulatorJournal $emulator
        $result = New-ProfileCertification -UserId $admin @Arguments @quiet
        $sent = Get-EmulatorJournal $emulator

        $sent | Should -BeNullOrEmpty -Because 'a bad draft is refused before any request'
        $result | Should -BeNullOrEmpty
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ProfileCertificationValidation,*'
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $failures[0].Exception.Field | Should -Be $Field
        $failures[0].Exception.Message | Should -Match $Field
        $failures[0].TargetObject.UserId | Should -Be $admin
    }

    It 'writes the same error with -WhatIf, before saying what it would do' {
        # What -WhatIf reports for a bad draft is what a real run would do: refuse it.
        Clear-EmulatorJournal $emulator
        $result = New-ProfileCertification -UserId $admin -DisplayName 'Backwards' `
            -IssuedDate 2025-04-28 -EndDate 2024-01-01 -WhatIf @quiet

        $result | Should -BeNullOrEmpty
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ProfileCertificationValidation,*'
        $failures[0].Exception.Field | Should -Be 'endDate'
        Get-EmulatorJournal $emulator | Should -BeNullOrEmpty
    }

    It 'writes ProfileCertificationNotFound for an unknown user' {
        New-ProfileCertification -UserId 'nobody@contoso.com' -DisplayName 'Lost' @quiet
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ProfileCertificationNotFound,*'
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        # Graph's error JSON, as Invoke-RestMethod users find it.
        ($failures[0].ErrorDetails.Message | ConvertFrom-Json).code | Should -Not -BeNullOrEmpty
    }
}

Describe 'New-ProfileCertification from CSV' {
    BeforeAll {
        $script:csv = Join-Path $TestDrive 'certifications.csv'
        Set-Content -Path $script:csv -Value @'
UserId,DisplayName,IssuedDate,EndDate,AllowedAudiences,IsSearchable
adele.vance@contoso.com,CSV one,2024-03-01,2026-03-01,organization,true
adele.vance@contoso.com,CSV bad date,2024-13-01,,,
megan.bowen@contoso.com,,2024-03-01,,,
megan.bowen@contoso.com,CSV bad audience,,,galaxy,false
ann_fabrikam.com#EXT#@contoso.com,CSV guest,2023-05-05,,everyone,false
'@
    }

    It 'creates the good rows, one error per bad row, with the row as target' {
        $created = Import-Csv $csv | New-ProfileCertification @quiet

        $created.DisplayName | Should -Be @('CSV one', 'CSV guest')
        $created[0].UserId | Should -Be 'adele.vance@contoso.com'
        $created[0].IsSearchable | Should -BeTrue
        $created[1].IsSearchable | Should -BeFalse

        $failures.Count | Should -Be 3
        foreach ($failure in $failures) {
            $failure.FullyQualifiedErrorId | Should -BeLike 'ProfileCertificationValidation,*'
        }
        $failures.Exception.Field | Should -Be @('issuedDate', 'displayName', 'allowedAudiences')
        $failures[0].TargetObject.displayName | Should -Be 'CSV bad date'

        $adele = Get-StoredEntry $emulator -User 'adele.vance@contoso.com' -Kind certifications
        $adele.displayName | Should -Be @('CSV one')
        Get-StoredEntry $emulator -User 'megan.bowen@contoso.com' -Kind certifications |
            Should -BeNullOrEmpty
        $guest = Get-StoredEntry $emulator -User 'ann_fabrikam.com#EXT#@contoso.com' -Kind certifications
        $guest.displayName | Should -Contain 'CSV guest'
    }

    It 'creates nothing with -WhatIf, and still names each bad row' {
        Clear-EmulatorJournal $emulator
        $said = Get-WhatIfMessage { Import-Csv $csv | New-ProfileCertification -WhatIf @quiet }
        Get-EmulatorJournal $emulator | Should -BeNullOrEmpty

        $failures.Count | Should -Be 3
        $failures.Exception.Field | Should -Be @('issuedDate', 'displayName', 'allowedAudiences')
        # -WhatIf speaks only of the good rows.
        $said.Count | Should -Be 2
        $said[0] | Should -Match 'CSV one'
        $said[1] | Should -Match 'CSV guest'
    }
}

Describe 'Get-ProfileCertification' {
    BeforeAll {
        $script:user = 'megan.bowen@contoso.com'
        $script:made = foreach ($n in 1..5) {
            $company = $n % 2 ? 'Microsoft' : 'Cisco'
            New-ProfileCertification -UserId $user -DisplayName "Get $n" -IssuingCompany $company `
                -IssuedDate "2024-0$n-01"
        }
    }

    It 'lists every certification of the user' {
        $all = Get-ProfileCertification -UserId $user
        $all.Count | Should -Be 5
        $all | ForEach-Object { $_.PSObject.TypeNames[0] | Should -Be 'GraphProfile.Certification' }
        (Get-ProfileCertification -UserId $user -All).Count | Should -Be 5
    }

    It 'limits the count with -Top' {
        (Get-ProfileCertification -UserId $user -Top 2).Count | Should -Be 2
    }

    It 'filters with -Filter' {
        $found = Get-ProfileCertification -UserId $user -Filter "issuingCompany eq 'Cisco'"
        $found.DisplayName | Sort-Object | Should -Be @('Get 2', 'Get 4')
    }

    It 'selects fields with -Property' {
        $found = Get-ProfileCertification -UserId $user -Property DisplayName -Top 1
        $found.PSObject.Properties.Name | Should -Contain 'DisplayName'
        $found.PSObject.Properties.Name | Should -Not -Contain 'IssuingCompany'
    }

    It 'reads one by -Id, also from the pipeline' {
        $one = Get-ProfileCertification -UserId $user -Id $made[2].Id
        $one.DisplayName | Should -Be 'Get 3'
        ($made[2] | Get-ProfileCertification).DisplayName | Should -Be 'Get 3'
    }

    It 'writes ProfileCertificationNotFound for an unknown id' {
        Get-ProfileCertification -UserId $user -Id 'no-such-id' @quiet
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ProfileCertificationNotFound,*'
        $failures[0].Exception.HttpStatus | Should -Be 404
    }

    It 'shows each request with -Verbose, and never the token' {
        $token = Get-TestToken $emulator
        $secure = ConvertTo-SecureString $token -AsPlainText -Force
        Connect-GraphProfile -AccessToken $secure -GraphUrl $emulator.GraphUrl
        $verbose = Get-ProfileCertification -UserId $user -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $verbose | Should -Not -BeNullOrEmpty
        ($verbose.Message -join "`n") | Should -Match 'GET'
        ($verbose.Message -join "`n") | Should -Not -Match ([regex]::Escape($token.Substring(0, 20)))
    }

    It 'has a default table view with title, issuer and dates' {
        $table = Get-ProfileCertification -UserId $user -Top 1 | Format-Table | Out-String -Width 160
        $table | Should -Match 'DisplayName'
        $table | Should -Match 'Issuer'
        $table | Should -Match 'IssuedDate'
        $table | Should -Match 'EndDate'
        $table | Should -Match '2024-0\d-01'
    }
}

Describe 'Update-ProfileCertification' {
    BeforeAll {
        $script:entry = New-ProfileCertification -UserId $admin -DisplayName 'To update' `
            -IssuedDate 2025-04-28 -EndDate 2027-04-29 -Description 'old'
    }

    It 'changes only the fields given' {
        $updated = Update-ProfileCertification -UserId $admin -Id $entry.Id -EndDate ([datetime]'2028-04-29')
        $updated.EndDate | Should -Be ([datetime]'2028-04-29')
        $updated.Description | Should -Be 'old'
        $stored = Get-StoredEntry $emulator -Kind certifications | Where-Object id -eq $entry.Id
        $stored.endDate | Should -Be '2028-04-29'
        $stored.issuedDate | Should -Be '2025-04-28'
    }

    It 'clears fields with -Clear' {
        Update-ProfileCertification -UserId $admin -Id $entry.Id -Clear Description | Out-Null
        $stored = Get-StoredEntry $emulator -Kind certifications | Where-Object id -eq $entry.Id
        $stored.description | Should -BeNullOrEmpty
    }

    It 'updates what Get- found, through the pipeline' {
        $updated = Get-ProfileCertification -UserId $admin -Id $entry.Id |
            Update-ProfileCertification -WebUrl 'https://example.com/cert'
        $updated.WebUrl | Should -Be 'https://example.com/cert'
        $updated.EndDate | Should -Be ([datetime]'2028-04-29')
    }

    It 'changes nothing with -WhatIf' {
        Update-ProfileCertification -UserId $admin -Id $entry.Id -DisplayName 'Renamed' -WhatIf
        $stored = Get-StoredEntry $emulator -Kind certifications | Where-Object id -eq $entry.Id
        $stored.displayName | Should -Be 'To update'
    }

    It 'refuses an end before the start given with it, sending nothing' {
        Clear-EmulatorJournal $emulator
        Update-ProfileCertification -UserId $admin -Id $entry.Id -IssuedDate 2025-04-28 `
            -EndDate 2020-01-01 @quiet
        Get-EmulatorJournal $emulator | Should -BeNullOrEmpty
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ProfileCertificationValidation,*'
        $failures[0].Exception.Field | Should -Be 'endDate'
        $failures[0].Exception.HttpStatus | Should -Be 0
        $failures[0].TargetObject.Id | Should -Be $entry.Id
    }

    It 'refuses an end before the stored issue date, reading the entry but writing nothing' {
        Clear-EmulatorJournal $emulator
        Update-ProfileCertification -UserId $admin -Id $entry.Id -EndDate 2020-01-01 @quiet
        $sent = Get-EmulatorJournal $emulator
        $sent.method | Should -Be @('GET') -Because 'only the stored dates are read'
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ProfileCertificationValidation,*'
        $failures[0].Exception.Field | Should -Be 'endDate'
        $failures[0].Exception.Message | Should -Match '2025-04-28'
        $failures[0].Exception.HttpStatus | Should -Be 0
        $stored = Get-StoredEntry $emulator -Kind certifications | Where-Object id -eq $entry.Id
        $stored.endDate | Should -Be '2028-04-29'
    }

    It 'refuses a bad patch with -WhatIf too, one error per piped item' {
        $items = @(
            [pscustomobject]@{ UserId = $admin; Id = $entry.Id; EndDate = '2020-01-01' }
            [pscustomobject]@{ UserId = $admin; Id = $entry.Id; Description = 'fine' }
            [pscustomobject]@{ UserId = $admin; Id = $entry.Id; AllowedAudiences = 'planet' }
        )
        Clear-EmulatorJournal $emulator
        $said = Get-WhatIfMessage { $items | Update-ProfileCertification -WhatIf @quiet }
        (Get-EmulatorJournal $emulator).method | Should -Not -Contain 'PATCH'
        $failures.Count | Should -Be 2
        $failures.Exception.Field | Should -Be @('endDate', 'allowedAudiences')
        $said.Count | Should -Be 1
    }

    It 'writes ProfileCertificationNotFound for an unknown id' {
        Update-ProfileCertification -UserId $admin -Id 'missing' -Description 'x' @quiet
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ProfileCertificationNotFound,*'
    }
}

Describe 'Remove-ProfileCertification' {
    It 'deletes, and -PassThru says what' {
        $entry = New-ProfileCertification -UserId $admin -DisplayName 'To remove'
        $removed = Remove-ProfileCertification -UserId $admin -Id $entry.Id -Confirm:$false -PassThru
        $removed.Id | Should -Be $entry.Id
        $removed.Kind | Should -Be 'certifications'
        (Get-StoredEntry $emulator -Kind certifications).id | Should -Not -Contain $entry.Id
    }

    It 'deletes what Get- found, and goes on past a failed item' {
        $user = 'adele.vance@contoso.com'
        $entries = 1..3 | ForEach-Object { New-ProfileCertification -UserId $user -DisplayName "Batch $_" }
        $items = @($entries[0], [pscustomobject]@{ UserId = $user; Id = 'missing' }, $entries[2])
        $items | Remove-ProfileCertification -Confirm:$false @quiet
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ProfileCertificationNotFound,*'
        $left = (Get-StoredEntry $emulator -User $user -Kind certifications).id
        $left | Should -Contain $entries[1].Id
        $left | Should -Not -Contain $entries[0].Id
        $left | Should -Not -Contain $entries[2].Id
    }

    It 'changes nothing with -WhatIf' {
        $entry = New-ProfileCertification -UserId $admin -DisplayName 'Kept'
        Remove-ProfileCertification -UserId $admin -Id $entry.Id -WhatIf
        (Get-StoredEntry $emulator -Kind certifications).id | Should -Contain $entry.Id
    }
}

Describe 'Get-ProfileCertification when the service is slow or busy' {
    AfterEach {
        # Back to a well-behaved emulator for the other tests.
        $reset = '{"latency": {"ms": 0, "jitterMs": 0}, "throttle": {}}'
        Set-EmulatorConfig $emulator $reset
    }

    It 'retries after throttling, showing the 429 and the retry with -Verbose' {
        $busy = '{"throttle": {"readsPerSecond": 1, "burst": 1, "retryAfter": "fractional"}}'
        Set-EmulatorConfig $emulator $busy

        $output = 1..3 | ForEach-Object {
            Get-ProfileCertification -UserId $admin -Top 1 -Verbose -ErrorAction Stop 4>&1
        }
        $records = [System.Management.Automation.VerboseRecord]
        $entries = $output | Where-Object { $_ -isnot $records }
        $verbose = ($output | Where-Object { $_ -is $records }).Message -join "`n"
        $entries.Count | Should -Be 3
        $verbose | Should -Match 'status=429'
        $verbose | Should -Match 'attempt=2'
    }

    It 'stops promptly when the pipeline is stopped (Ctrl+C), cancelling the request' {
        $slow = '{"latency": {"ms": 20000}}'
        Set-EmulatorConfig $emulator $slow

        # Its own runspace, as a console would run it, connected like this one.
        $shell = [powershell]::Create()
        $null = $shell.AddScript({
            param($Module, $GraphUrl, $Token)
            Import-Module $Module
            $secure = ConvertTo-SecureString $Token -AsPlainText -Force
            Connect-GraphProfile -AccessToken $secure -GraphUrl $GraphUrl
            Get-ProfileCertification -UserId admin@contoso.com
        })
        $null = $shell.AddArgument((Get-TestModulePath)).AddArgument($emulator.GraphUrl).
            AddArgument((Get-TestToken $emulator))
        $running = $shell.BeginInvoke()
        Start-Sleep -Seconds 2
        $running.IsCompleted | Should -BeFalse -Because 'the emulator answers after 20 s'
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $shell.Stop()
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 5
        $running.IsCompleted | Should -BeTrue
        $shell.InvocationStateInfo.State | Should -Be 'Stopped'
        $shell.Dispose()
    }
}
