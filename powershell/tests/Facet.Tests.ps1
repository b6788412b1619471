# Get-, New-, Update-, Remove-ProfileFacet -Kind against the emulator.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    # Failed items land in $failures and the pipeline goes on.
    $script:quiet = @{ ErrorVariable = 'failures'; ErrorAction = 'SilentlyContinue' }
    Import-Module (Get-TestModulePath) -Force
    $script:emulator = Start-TestEmulator
    Connect-TestEmulator $script:emulator
    $script:user = 'megan.bowen@contoso.com'
}

AfterAll {
    Disconnect-GraphProfile
    Stop-TestEmulator $script:emulator
}

Describe 'ProfileFacet commands' {
    It 'creates a skill from a hashtable, and reads it back typed' {
        $created = New-ProfileFacet -Kind skills -UserId $user -InputObject @{
            displayName = 'Rust'; proficiency = 'advancedProfessional'; collaborationTags = @('ableToMentor')
        }
        $created.PSObject.TypeNames | Should -Contain 'GraphProfile.ProfileFacet'
        $created.Kind | Should -Be 'skills'
        $created.UserId | Should -Be $user

        $stored = Get-StoredEntry $emulator -User $user -Kind skills
        $stored.displayName | Should -Be 'Rust'
        $stored.proficiency | Should -Be 'advancedProfessional'
        @($stored.collaborationTags) | Should -Be @('ableToMentor')

        (Get-ProfileFacet -Kind skills -UserId $user -Id $created.Id).DisplayName | Should -Be 'Rust'
    }

    It 'creates an entry from an object, with PowerShell-cased names and a [datetime]' {
        $anniversary = [pscustomobject]@{
            DisplayName = 'Joined'; Type = 'work'; Date = [datetime]'2015-06-01'
        }
        $created = $anniversary | New-ProfileFacet -Kind anniversaries -UserId $user
        $stored = Get-StoredEntry $emulator -User $user -Kind anniversaries | Where-Object id -eq $created.Id
        $stored.date | Should -Be '2015-06-01'
        $stored.type | Should -Be 'work'
    }

    It 'updates with a hashtable, and with an entry piped back from Get-' {
        $skill = Get-ProfileFacet -Kind skills -UserId $user | Where-Object DisplayName -eq 'Rust'
        $patch = @{ proficiency = 'expert' }
        $updated = Update-ProfileFacet -Kind skills -UserId $user -Id $skill.Id -InputObject $patch
        $updated.Proficiency | Should -Be 'expert'

        $skill = Get-ProfileFacet -Kind skills -UserId $user -Id $skill.Id
        $skill.DisplayName = 'Rust (language)'
        $updated = $skill | Update-ProfileFacet
        $updated.DisplayName | Should -Be 'Rust (language)'
        (Get-StoredEntry $emulator -User $user -Kind skills).displayName | Should -Be @('Rust (language)')
    }

    It 'goes on past a bad entry with one ProfileFacetValidation error' {
        $entries = @(
            @{ displayName = 'Go' }
            @{ displayName = 'Cobol'; proficiency = 'x'; webUrl = 'not a url' }
            @{ displayName = 'Zig' }
        )
        $created = $entries | New-ProfileFacet -Kind skills -UserId $user @quiet
        $created.DisplayName | Should -Be @('Go', 'Zig')
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ProfileFacetValidation,*'
        $failures[0].TargetObject.displayName | Should -Be 'Cobol'
    }

    It 'refuses a bad entry or patch with -WhatIf too, sending nothing' {
        $skill = (Get-StoredEntry $emulator -User $user -Kind skills)[0]
        $bad = @{ displayName = 'Cobol'; webUrl = 'not a url' }
        Clear-EmulatorJournal $emulator
        New-ProfileFacet -Kind skills -UserId $user -InputObject $bad -WhatIf @quiet
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ProfileFacetValidation,*'
        $failures[0].Exception.Field | Should -Be 'webUrl'
        $clear = @{ displayName = $null }
        Update-ProfileFacet -Kind skills -UserId $user -Id $skill.id -InputObject $clear -WhatIf @quiet
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ProfileFacetValidation,*'
        $failures[0].Exception.Field | Should -Be 'displayName'
        Get-EmulatorJournal $emulator | Should -BeNullOrEmpty
    }

    It 'refuses a kind that is no facet, listing the kinds' {
        { Get-ProfileFacet -Kind badges -UserId $user } | Should -Throw '*certifications*'
    }

    It 'changes nothing with -WhatIf' {
        $before = Get-StoredEntry $emulator -User $user -Kind skills
        New-ProfileFacet -Kind skills -UserId $user -InputObject @{ displayName = 'Never' } -WhatIf
        $rename = @{ displayName = 'Never' }
        Update-ProfileFacet -Kind skills -UserId $user -Id $before[0].id -InputObject $rename -WhatIf
        Remove-ProfileFacet -Kind skills -UserId $user -Id $before[0].id -WhatIf
        $after = Get-StoredEntry $emulator -User $user -Kind skills
        $after.displayName | Should -Be $before.displayName
    }

    It 'removes what Get- found, with -PassThru' {
        $removed = Get-ProfileFacet -Kind skills -UserId $user | Remove-ProfileFacet -Confirm:$false -PassThru
        $removed.Count | Should -Be 3
        $removed | ForEach-Object { $_.Kind | Should -Be 'skills' }
        Get-StoredEntry $emulator -User $user -Kind skills | Should -BeNullOrEmpty
    }

    It 'writes ProfileFacetNotFound for an unknown id' {
        Remove-ProfileFacet -Kind languages -UserId $user -Id 'missing' -Confirm:$false @quiet
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ProfileFacetNotFound,*'
    }

    It 'reads every one of the 19 facets' {
        foreach ($kind in [GraphProfile.FacetNameSet]::new().GetValidValues()) {
            { Get-ProfileFacet -Kind $kind -UserId $user -ErrorAction Stop } |
                Should -Not -Throw -Because $kind
        }
    }
}
