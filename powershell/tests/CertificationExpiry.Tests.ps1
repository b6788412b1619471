# Get-ProfileCertificationExpiry against the emulator: given users and the whole tenant,
# expiring and expired, typed rows and their table view.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    $script:quiet = @{ ErrorVariable = 'failures'; ErrorAction = 'SilentlyContinue' }
    Import-Module (Get-TestModulePath) -Force
    $script:emulator = Start-TestEmulator
    Connect-TestEmulator $script:emulator
    $script:adele = 'adele.vance@contoso.com'
    $script:megan = 'megan.bowen@contoso.com'
    $script:asOf = [datetime]'2026-12-03'

    # Ended a month ago, ends in 17 days, ends in a year: on 2026-12-03.
    $null = New-ProfileCertification -UserId $adele -DisplayName 'Expiry old' `
        -IssuingAuthority Contoso -IssuedDate 2024-01-01 -EndDate 2026-11-01
    $null = New-ProfileCertification -UserId $adele -DisplayName 'Expiry soon' `
        -IssuingAuthority Contoso -CertificationId EXP-1 -IssuedDate 2024-01-01 -EndDate 2026-12-20
    $null = New-ProfileCertification -UserId $megan -DisplayName 'Expiry later' `
        -IssuingAuthority Contoso -IssuedDate 2024-01-01 -EndDate 2027-12-01
    $null = New-ProfileCertification -UserId $megan -DisplayName 'Expiry today' `
        -IssuingAuthority Contoso -IssuedDate 2024-01-01 -EndDate 2026-12-03

    function Get-TestRow {
        # The rows of this file's certifications only (the demo tenant has its own).
        process { if ($_.DisplayName -like 'Expiry *') { $_ } }
    }
}

AfterAll {
    Disconnect-GraphProfile
    Stop-TestEmulator $script:emulator
}

Describe 'Get-ProfileCertificationExpiry' {
    It 'finds the expiring ones of given users, typed, soonest first' {
        $rows = Get-ProfileCertificationExpiry -UserId $adele, $megan -AsOf $asOf | Get-TestRow
        $rows.DisplayName | Should -Be @('Expiry today', 'Expiry soon')
        $rows.Status | Should -Be @('expiring', 'expiring')
        $rows.DaysLeft | Should -Be @(0, 17)
        $soon = $rows[1]
        $soon.PSObject.TypeNames | Should -Contain 'GraphProfile.CertificationExpiry'
        $soon.UserId | Should -Be $adele
        $soon.EndDate | Should -BeOfType [datetime]
        $soon.EndDate | Should -Be ([datetime]'2026-12-20')
        $soon.IssuingAuthority | Should -Be 'Contoso'
        $soon.CertificationId | Should -Be 'EXP-1'
        $entry = Get-ProfileCertification -UserId $adele -Id $soon.Id
        $entry.DisplayName | Should -Be 'Expiry soon'
    }

    It 'adds the expired ones with -IncludeExpired' {
        $rows = Get-ProfileCertificationExpiry -UserId $adele -AsOf $asOf -IncludeExpired |
            Get-TestRow
        $rows.DisplayName | Should -Be @('Expiry old', 'Expiry soon')
        $rows[0].Status | Should -Be 'expired'
        $rows[0].DaysLeft | Should -Be -32
    }

    It 'covers the whole tenant without -UserId, and widens with -WithinDays' {
        $rows = Get-ProfileCertificationExpiry -AsOf $asOf -WithinDays 400 -IncludeExpired |
            Get-TestRow
        $rows.DisplayName |
            Should -Be @('Expiry old', 'Expiry today', 'Expiry soon', 'Expiry later')
        ($rows | Where-Object DisplayName -eq 'Expiry later').UserId | Should -Be $megan
    }

    It 'takes users from the pipeline' {
        $rows = [pscustomobject]@{ UserPrincipalName = $megan } |
            Get-ProfileCertificationExpiry -AsOf $asOf -WithinDays 400 | Get-TestRow
        $rows.DisplayName | Should -Be @('Expiry today', 'Expiry later')
    }

    It 'writes ProfileCertificationExpiryNotRead for a user it cannot read, and goes on' {
        $users = 'nobody@contoso.com', $adele
        $rows = Get-ProfileCertificationExpiry -UserId $users -AsOf $asOf @quiet | Get-TestRow
        $rows.DisplayName | Should -Be @('Expiry soon')
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ProfileCertificationExpiryNotRead,*'
        $failures[0].TargetObject.UserId | Should -Be 'nobody@contoso.com'
    }

    It 'shows a table by default' {
        $text = Get-ProfileCertificationExpiry -UserId $adele -AsOf $asOf | Get-TestRow |
            Out-String -Width 80
        $text | Should -Match 'UserId\s+Status\s+DaysLeft\s+EndDate\s+DisplayName'
        $text | Should -Match 'expiring\s+17 2026-12-20 Expiry soon'
    }
}
