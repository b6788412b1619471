# Get-, New-, Update-, Remove-ProfileAward against the emulator.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    # Failed items land in $failures and the pipeline goes on.
    $script:quiet = @{ ErrorVariable = 'failures'; ErrorAction = 'SilentlyContinue' }
    Import-Module (Get-TestModulePath) -Force
    $script:emulator = Start-TestEmulator
    Connect-TestEmulator $script:emulator
    $script:user = 'adele.vance@contoso.com'
}

AfterAll {
    Disconnect-GraphProfile
    Stop-TestEmulator $script:emulator
}

Describe 'ProfileAward commands' {
    It 'creates, reads, updates and removes an award' {
        $created = New-ProfileAward -UserId $user -DisplayName 'Introducing Topedia Blog' `
            -IssuedDate ([datetime]'2020-04-01') -IssuingAuthority 'Topedia' -AllowedAudiences everyone `
            -IsSearchable $false -Description 'Blog award' -WebUrl 'https://topedia.example/blog'
        $created.PSObject.TypeNames[0] | Should -Be 'GraphProfile.Award'
        $created.IssuedDate | Should -Be ([datetime]'2020-04-01')

        $stored = Get-StoredEntry $emulator -User $user -Kind awards
        $stored.displayName | Should -Be 'Introducing Topedia Blog'
        $stored.issuedDate | Should -Be '2020-04-01'
        $stored.allowedAudiences | Should -Be 'everyone'
        $stored.isSearchable | Should -BeFalse

        (Get-ProfileAward -UserId $user).Id | Should -Be $created.Id
        (Get-ProfileAward -UserId $user -Id $created.Id).IssuingAuthority | Should -Be 'Topedia'

        $updated = Update-ProfileAward -UserId $user -Id $created.Id -IssuingAuthority 'Topedia.com'
        $updated.IssuingAuthority | Should -Be 'Topedia.com'
        $updated.IssuedDate | Should -Be ([datetime]'2020-04-01')

        $removed = Remove-ProfileAward -UserId $user -Id $created.Id -Confirm:$false -PassThru
        $removed.Id | Should -Be $created.Id
        Get-StoredEntry $emulator -User $user -Kind awards | Should -BeNullOrEmpty
    }

    It 'changes nothing with -WhatIf' {
        $kept = New-ProfileAward -UserId $user -DisplayName 'Kept award'
        New-ProfileAward -UserId $user -DisplayName 'Never' -WhatIf
        Update-ProfileAward -UserId $user -Id $kept.Id -DisplayName 'Renamed' -WhatIf
        Remove-ProfileAward -UserId $user -Id $kept.Id -WhatIf
        $stored = Get-StoredEntry $emulator -User $user -Kind awards
        $stored.displayName | Should -Be @('Kept award')
    }

    It 'takes rows from CSV, with one ProfileAwardValidation error per bad row' {
        $csv = Join-Path $TestDrive 'awards.csv'
        Set-Content -Path $csv -Value @'
UserId,DisplayName,IssuedDate
megan.bowen@contoso.com,Award one,2019-09-09
megan.bowen@contoso.com,Award bad,yesterday
megan.bowen@contoso.com,Award two,
'@

        $created = Import-Csv $csv | New-ProfileAward @quiet
        $created.DisplayName | Should -Be @('Award one', 'Award two')
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ProfileAwardValidation,*'
        $failures[0].Exception.Field | Should -Be 'issuedDate'
    }

    It 'has a default table view with title, issuer and date' {
        $table = Get-ProfileAward -UserId 'megan.bowen@contoso.com' | Format-Table | Out-String -Width 160
        $table | Should -Match 'Issuer'
        $table | Should -Match '2019-09-09'
    }

    It 'writes a ProfileAwardValidation error naming the field, and sends nothing' -TestCases @(
        @{ Case = 'an invalid date'; Field = 'issuedDate'; Arguments = @{ IssuedDate = '2020-02-30' } }
        @{
            Case = 'an unknown audience'; Field = 'allowedAudiences'
            Arguments = @{ AllowedAudiences = 'planet' }
        }
        @{ Case = 'a missing display name'; Field = 'displayName'; Arguments = @{ DisplayName = '' } }
    ) {
        param($Case, $Field, $Arguments)
        $award = @{ DisplayName = 'Bad award' }
        foreach ($key in $Arguments.Keys) { $award[$key] = $Arguments[$key] }

        Clear-EmulatorJournal $emulator
        $result = New-ProfileAward -UserId $user @award @quiet
        Get-EmulatorJournal $emulator | Should -BeNullOrEmpty -Because 'the draft is refused first'

        $result | Should -BeNullOrEmpty
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ProfileAwardValidation,*'
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $failures[0].Exception.Field | Should -Be $Field
        $failures[0].Exception.Message | Should -Match $Field
        $failures[0].TargetObject.UserId | Should -Be $user
    }

    It 'goes on past bad piped items with one error each, the row as target' {
        $user = 'admin@contoso.com'
        $items = @(
            [pscustomobject]@{ UserId = $user; DisplayName = 'Piped one'; IssuedDate = '2021-01-01' }
            [pscustomobject]@{ UserId = $user; DisplayName = 'Bad audience'; AllowedAudiences = 'x' }
            [pscustomobject]@{ UserId = $user; DisplayName = ''; IssuedDate = '2021-02-02' }
            [pscustomobject]@{ UserId = 'nobody@contoso.com'; DisplayName = 'Piped lost' }
            [pscustomobject]@{ UserId = $user; DisplayName = 'Piped two'; IssuedDate = '2021-03-03' }
        )
        Clear-EmulatorJournal $emulator
        $created = $items | New-ProfileAward @quiet

        $created.DisplayName | Should -Be @('Piped one', 'Piped two')
        $failures.Count | Should -Be 3
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ProfileAwardValidation,*'
        $failures[0].Exception.Field | Should -Be 'allowedAudiences'
        $failures[0].TargetObject.displayName | Should -Be 'Bad audience'
        $failures[1].FullyQualifiedErrorId | Should -BeLike 'ProfileAwardValidation,*'
        $failures[1].Exception.Field | Should -Be 'displayName'
        # Whether a user exists only the service knows: its 404, with Graph's error JSON.
        $failures[2].FullyQualifiedErrorId | Should -BeLike 'ProfileAwardNotFound,*'
        $failures[2].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failures[2].TargetObject.UserId | Should -Be 'nobody@contoso.com'
        ($failures[2].ErrorDetails.Message | ConvertFrom-Json).code | Should -Not -BeNullOrEmpty

        # The two bad drafts never went out: three creates, one of them refused.
        $posts = Get-EmulatorJournal $emulator | Where-Object method -eq 'POST'
        $posts.status | Should -Be @(201, 404, 201)
        (Get-StoredEntry $emulator -User $user -Kind awards).displayName |
            Sort-Object | Should -Be @('Piped one', 'Piped two')
    }

    It 'names each bad item with -WhatIf too, and sends nothing' {
        $items = @(
            [pscustomobject]@{ UserId = $user; DisplayName = 'WhatIf good' }
            [pscustomobject]@{ UserId = $user; DisplayName = 'WhatIf bad'; IssuedDate = 'yesterday' }
            [pscustomobject]@{ UserId = $user; DisplayName = 'WhatIf too'; AllowedAudiences = 'me' }
        )
        Clear-EmulatorJournal $emulator
        $said = Get-WhatIfMessage { $items | New-ProfileAward -WhatIf @quiet }
        Get-EmulatorJournal $emulator | Should -BeNullOrEmpty

        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ProfileAwardValidation,*'
        $failures[0].Exception.Field | Should -Be 'issuedDate'
        $said.Count | Should -Be 2
        $said[0] | Should -Match "'WhatIf good'"
        $said[1] | Should -Match "'WhatIf too'"
    }

    It 'refuses a bad patch before sending it, with -WhatIf as without' {
        $award = New-ProfileAward -UserId $user -DisplayName 'Patched award'
        foreach ($whatIf in $false, $true) {
            Clear-EmulatorJournal $emulator
            Update-ProfileAward -UserId $user -Id $award.Id -AllowedAudiences planet `
                -WhatIf:$whatIf @quiet
            Get-EmulatorJournal $emulator | Should -BeNullOrEmpty
            $failures.Count | Should -Be 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'ProfileAwardValidation,*'
            $failures[0].Exception.Field | Should -Be 'allowedAudiences'
            $failures[0].TargetObject.Id | Should -Be $award.Id
        }
        Remove-ProfileAward -UserId $user -Id $award.Id -Confirm:$false
    }

    It 'writes ProfileAwardNotFound for an unknown id' {
        Remove-ProfileAward -UserId $user -Id 'missing' -Confirm:$false @quiet
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ProfileAwardNotFound,*'
    }
}
