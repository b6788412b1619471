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

    It 'writes ProfileAwardNotFound for an unknown id' {
        Remove-ProfileAward -UserId $user -Id 'missing' -Confirm:$false @quiet
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ProfileAwardNotFound,*'
    }
}
