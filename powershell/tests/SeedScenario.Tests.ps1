# The seed scenario of issue 7 (section 6), through the module and through hand-built
# Invoke-RestMethod requests, each against its own emulator: both must store the same.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $script:viaModule = Start-TestEmulator
    $script:viaRest = Start-TestEmulator
    $script:user = 'admin@contoso.com'

    function Get-Comparable {
        # The stored entries without what the service sets (ids, times, authors).
        param($Emulator, [string] $Kind)

        $serviceSet = 'id', 'createdDateTime', 'lastModifiedDateTime', 'createdBy', 'lastModifiedBy'
        $entries = foreach ($entry in Get-StoredEntry $Emulator -User $user -Kind $Kind) {
            $fields = [ordered]@{}
            foreach ($name in $entry.PSObject.Properties.Name | Sort-Object) {
                if ($name -notin $serviceSet) { $fields[$name] = $entry.$name }
            }
            $fields
        }
        ConvertTo-Json -InputObject @($entries) -Depth 6 -Compress
    }
}

AfterAll {
    Disconnect-GraphProfile
    Stop-TestEmulator $script:viaModule
    Stop-TestEmulator $script:viaRest
}

Describe 'Seed scenario' {
    It 'runs through the module' {
        Connect-TestEmulator $viaModule

        $certification = New-ProfileCertification -UserId $user -CertificationId 'exam.ms-401' `
            -DisplayName 'Microsoft Certified: Information Security Administrator Associate' `
            -IssuedDate ([datetime]'2025-04-28') -EndDate '2027-04-29' -AllowedAudiences organization
        $award = New-ProfileAward -UserId $user -DisplayName 'Introducing Topedia Blog' `
            -IssuedDate '2020-04-01' -AllowedAudiences everyone -IsSearchable $false

        (Get-ProfileCertification -UserId $user).CertificationId | Should -Be 'exam.ms-401'
        (Get-ProfileAward -UserId $user).DisplayName | Should -Be 'Introducing Topedia Blog'

        $moved = Update-ProfileCertification -UserId $user -Id $certification.Id -EndDate '2028-04-29'
        $moved.EndDate | Should -Be ([datetime]'2028-04-29')
        $script:moduleMidway = @{
            certifications = Get-Comparable $viaModule certifications
            awards         = Get-Comparable $viaModule awards
        }

        Remove-ProfileCertification -UserId $user -Id $certification.Id -Confirm:$false
        Remove-ProfileAward -UserId $user -Id $award.Id -Confirm:$false
        Get-ProfileCertification -UserId $user | Should -BeNullOrEmpty
        Get-ProfileAward -UserId $user | Should -BeNullOrEmpty
    }

    It 'runs through hand-built Invoke-RestMethod requests' {
        $base = "/users/$([uri]::EscapeDataString($user))/profile"

        $certification = Invoke-TestGraph $viaRest -Method POST -Path "$base/certifications" -Body @{
            certificationId  = 'exam.ms-401'
            displayName      = 'Microsoft Certified: Information Security Administrator Associate'
            issuedDate       = '2025-04-28'
            endDate          = '2027-04-29'
            allowedAudiences = 'organization'
        }
        $award = Invoke-TestGraph $viaRest -Method POST -Path "$base/awards" -Body @{
            displayName      = 'Introducing Topedia Blog'
            issuedDate       = '2020-04-01'
            allowedAudiences = 'everyone'
            isSearchable     = $false
        }

        $listed = Invoke-TestGraph $viaRest -Path "$base/certifications"
        $listed.value.certificationId | Should -Be 'exam.ms-401'
        $listed = Invoke-TestGraph $viaRest -Path "$base/awards"
        $listed.value.displayName | Should -Be 'Introducing Topedia Blog'

        Invoke-TestGraph $viaRest -Method PATCH -Path "$base/certifications/$($certification.id)" -Body @{
            endDate = '2028-04-29'
        } | Out-Null
        $script:restMidway = @{
            certifications = Get-Comparable $viaRest certifications
            awards         = Get-Comparable $viaRest awards
        }

        Invoke-TestGraph $viaRest -Method DELETE -Path "$base/certifications/$($certification.id)" | Out-Null
        Invoke-TestGraph $viaRest -Method DELETE -Path "$base/awards/$($award.id)" | Out-Null
    }

    It 'stored the same entries both ways, before and after the deletes' {
        $moduleMidway.certifications | Should -Not -BeNullOrEmpty
        $moduleMidway.certifications | Should -Match '2028-04-29'
        $moduleMidway.certifications | Should -Be $restMidway.certifications
        $moduleMidway.awards | Should -Be $restMidway.awards

        foreach ($kind in 'certifications', 'awards') {
            Get-StoredEntry $viaModule -User $user -Kind $kind | Should -BeNullOrEmpty
            Get-StoredEntry $viaRest -User $user -Kind $kind | Should -BeNullOrEmpty
        }
    }
}
