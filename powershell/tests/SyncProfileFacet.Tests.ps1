# Sync-ProfileFacet against the emulator: -WhatIf, apply and rerun, bad rows, failed
# entries, -Strict, -StatePath and -Prune.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    # Bad rows and failed entries land in $failures and the rest goes on.
    $script:quiet = @{ ErrorVariable = 'failures'; ErrorAction = 'SilentlyContinue' }
    $script:manifest = Get-TestModulePath
    Import-Module $manifest -Force
    $script:emulator = Start-TestEmulator
    Connect-TestEmulator $script:emulator
    $script:user = 'adele.vance@contoso.com'

    function Get-StoredName {
        # The display names the emulator holds for a user's facet, sorted.
        param([string] $User = $script:user, [string] $Kind = 'certifications')
        @(Get-StoredEntry $script:emulator -User $User -Kind $Kind | ForEach-Object displayName |
                Sort-Object)
    }

    $script:csv = Join-Path $TestDrive 'certifications.csv'
    Set-Content -LiteralPath $csv -Value @(
        'user,displayName,issuingAuthority,certificationId,endDate'
        "$user,Sync AZ-104,Microsoft,AZ104-S,2027-04-28"
        "$user,Sync CKA,CNCF,,2027-01-15"
    )
}

AfterAll {
    Disconnect-GraphProfile
    Stop-TestEmulator $script:emulator
}

Describe 'Sync-ProfileFacet' {
    It 'changes nothing with -WhatIf, and shows the plan entry by entry' {
        $before = Get-StoredName
        $output = Sync-ProfileFacet -Path $csv -Facet certifications -WhatIf
        $output | Should -BeNullOrEmpty
        Get-StoredName | Should -Be $before

        # What if: lines go to the host, so a child pwsh shows them.
        $token = Get-TestToken $emulator
        $lines = pwsh -NoProfile -NonInteractive -Command "
            Import-Module '$manifest'
            `$token = ConvertTo-SecureString '$token' -AsPlainText -Force
            Connect-GraphProfile -AccessToken `$token -GraphUrl '$($emulator.GraphUrl)' ``
                -AuthorityUrl '$($emulator.BaseUrl)'
            Sync-ProfileFacet -Path '$csv' -Facet certifications -WhatIf"
        $LASTEXITCODE | Should -Be 0
        $whatIf = @($lines | Where-Object { $_ -like 'What if:*' })
        $whatIf.Count | Should -Be 2
        $whatIf[0] | Should -BeLike "*create*'AZ104-S'*'$user'*"
        $whatIf[1] | Should -BeLike '*create*Sync CKA | CNCF*'
        Get-StoredName | Should -Be $before
    }

    It 'applies a CSV file with typed outcomes, then a second run finds it unchanged' {
        $outcomes = Sync-ProfileFacet -Path $csv -Facet certifications -Confirm:$false
        $outcomes.Count | Should -Be 2
        $outcomes | ForEach-Object {
            $_.PSObject.TypeNames | Should -Contain 'GraphProfile.SyncOutcome'
            $_.Outcome | Should -Be 'created'
            $_.UserId | Should -Be $user
            $_.Facet | Should -Be 'certifications'
            $_.Id | Should -Not -BeNullOrEmpty
        }
        $outcomes.Line | Should -Be @(2, 3)
        $stored = Get-StoredEntry $emulator -User $user -Kind certifications |
            Where-Object displayName -eq 'Sync AZ-104'
        $stored.endDate | Should -Be '2027-04-28'
        $stored.certificationId | Should -Be 'AZ104-S'
        $stored.id | Should -Be ($outcomes | Where-Object Line -eq 2).Id

        $again = Sync-ProfileFacet -Path $csv -Facet certifications -Confirm:$false
        $again.Outcome | Should -Be @('unchanged', 'unchanged')
        @(Get-StoredName | Where-Object { $_ -like 'Sync *' }).Count | Should -Be 2

        # A changed field is an update of that entry, not a new one.
        $changed = Join-Path $TestDrive 'changed.csv'
        (Get-Content $csv) -replace '2027-01-15', '2027-02-01' | Set-Content $changed
        $updated = Sync-ProfileFacet -Path $changed -Facet certifications -Confirm:$false
        ($updated | Where-Object Key -eq 'Sync CKA | CNCF').Outcome | Should -Be 'updated'
        (Get-StoredEntry $emulator -User $user -Kind certifications |
            Where-Object displayName -eq 'Sync CKA').endDate | Should -Be '2027-02-01'
    }

    It 'goes on past a bad row from Import-Csv with one ProfileFacetSyncBadRow error' {
        $rows = @(
            [pscustomobject]@{ UserId = 'megan.bowen@contoso.com'; Kind = 'awards'
                displayName = 'Sync hero'; issuingAuthority = 'Contoso'; issuedDate = '' }
            [pscustomobject]@{ UserId = 'megan.bowen@contoso.com'; Kind = 'awards'
                displayName = 'Sync bad'; issuingAuthority = 'Contoso'; issuedDate = '2026-02-30' }
            [pscustomobject]@{ UserPrincipalName = 'megan.bowen@contoso.com'; Facet = 'awards'
                displayName = 'Sync star'; issuingAuthority = 'Contoso'; issuedDate = '2025-05-01' }
        )
        $outcomes = $rows | Sync-ProfileFacet -Confirm:$false @quiet
        $outcomes.Outcome | Should -Be @('created', 'created')
        $outcomes.Key | Should -Be @('Sync hero | Contoso', 'Sync star | Contoso')
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ProfileFacetSyncBadRow,*'
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $failures[0].TargetObject.Line | Should -Be 2
        $failures[0].TargetObject.Field | Should -Be 'issuedDate'
        $names = Get-StoredName -User 'megan.bowen@contoso.com' -Kind awards
        $names | Should -Contain 'Sync hero'
        $names | Should -Contain 'Sync star'
        $names | Should -Not -Contain 'Sync bad'
    }

    It 'writes nothing with -Strict when a row is bad' {
        $rows = @(
            @{ user = $user; displayName = 'Strict good'; issuingAuthority = 'X' }
            @{ user = $user; displayName = 'Strict bad'; endDate = 'soon' }
        )
        $before = Get-StoredName
        $outcomes = $rows | Sync-ProfileFacet -Facet certifications -Strict -Confirm:$false `
            -WarningVariable warned -WarningAction SilentlyContinue @quiet
        $outcomes.Outcome | Should -Be @('notDone')
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ProfileFacetSyncBadRow,*'
        $warned | Should -BeLike '*not written*'
        Get-StoredName | Should -Be $before
    }

    It 'writes one ProfileFacetSyncFailed error per entry the service refuses' {
        Set-EmulatorConfig $emulator '{"inject": [{"on": "write", "pathContains": "/skills",
            "fault": "error", "status": 403, "count": 100}]}'
        try {
            $rows = @(
                @{ user = $user; facet = 'skills'; displayName = 'Refused skill' }
                @{ user = $user; facet = 'interests'; displayName = 'Kept interest' }
            )
            $outcomes = $rows | Sync-ProfileFacet -Confirm:$false @quiet
        }
        finally {
            Set-EmulatorConfig $emulator '{"inject": []}'
        }
        $outcomes.Outcome | Should -Be @('created')
        $outcomes.Facet | Should -Be @('interests')
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ProfileFacetSyncFailed,*'
        $failures[0].TargetObject.Facet | Should -Be 'skills'
        $failures[0].TargetObject.Outcome | Should -Be 'failed'
        Get-StoredName -Kind skills | Should -Not -Contain 'Refused skill'
        Get-StoredName -Kind interests | Should -Contain 'Kept interest'
    }

    It 'reports an unknown user as a bad row and syncs the others' {
        $rows = @(
            @{ user = 'nobody@contoso.com'; displayName = 'Ghost'; issuingAuthority = 'X' }
            @{ user = $user; displayName = 'Known'; issuingAuthority = 'X' }
        )
        $outcomes = $rows | Sync-ProfileFacet -Facet awards -Confirm:$false @quiet
        $outcomes.UserId | Should -Be @($user)
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ProfileFacetSyncBadRow,*'
        $failures[0].TargetObject.UserId | Should -Be 'nobody@contoso.com'
    }

    It 'resumes with -StatePath: a rerun reports the earlier writes' {
        $json = Join-Path $TestDrive 'languages.json'
        ConvertTo-Json -Depth 4 -InputObject @(
            @{ user = $user; facet = 'languages'; displayName = 'Sync French'; tag = 'fr-FR' }
            @{ user = $user; facet = 'languages'; displayName = 'Sync Dutch'; tag = 'nl-NL' }
        ) | Set-Content $json
        Push-Location $TestDrive
        try {
            $first = Sync-ProfileFacet -Path languages.json -StatePath state.jsonl -Confirm:$false
            Join-Path $TestDrive 'state.jsonl' | Should -Exist
            $second = Sync-ProfileFacet -Path languages.json -StatePath state.jsonl -Confirm:$false
        }
        finally {
            Pop-Location
        }
        $first.Outcome | Should -Be @('created', 'created')
        $first.EarlierRun | Should -Be @($false, $false)
        $second.Outcome | Should -Be @('created', 'created')
        $second.EarlierRun | Should -Be @($true, $true)
        @(Get-StoredName -Kind languages | Where-Object { $_ -like 'Sync *' }).Count | Should -Be 2
    }

    It 'deletes what no row describes with -Prune' {
        $keep = @{ user = $user; facet = 'languages'; displayName = 'Sync French'; tag = 'fr-FR' }
        $outcomes = $keep | Sync-ProfileFacet -Prune -Confirm:$false
        ($outcomes | Where-Object Outcome -eq 'deleted').Key | Should -Contain 'Sync Dutch'
        ($outcomes | Where-Object Key -eq 'Sync French').Outcome | Should -Be 'unchanged'
        Get-StoredName -Kind languages | Should -Be @('Sync French')
    }

    It 'writes ProfileFacetSyncInputNotFound for a file that does not exist' {
        Sync-ProfileFacet -Path (Join-Path $TestDrive 'missing.csv') -Confirm:$false @quiet
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ProfileFacetSyncInputNotFound,*'
    }

    It 'refuses input without a user column as ProfileFacetSyncValidation' {
        $bad = Join-Path $TestDrive 'nouser.csv'
        Set-Content $bad -Value 'displayName', 'X'
        Sync-ProfileFacet -Path $bad -Facet awards -Confirm:$false @quiet
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ProfileFacetSyncValidation,*'
    }
}
