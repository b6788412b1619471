@{
    RootModule           = 'GraphProfile.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '5b0f3c1e-8d2a-4e6f-9a71-2c4d8e0b6f13'
    Author               = 'graph-profile contributors'
    Description          = 'Typed commands for Microsoft Graph profile facets (certifications, awards and every other facet), over the graph-profile Rust core.'
    PowerShellVersion    = '7.2'
    CompatiblePSEditions = @('Core')

    FormatsToProcess     = @('GraphProfile.format.ps1xml')

    FunctionsToExport    = @(
        'Connect-GraphProfile'
        'Disconnect-GraphProfile'
        'Get-GraphProfileContext'
        'Get-ProfileCertification'
        'New-ProfileCertification'
        'Update-ProfileCertification'
        'Remove-ProfileCertification'
        'Get-ProfileAward'
        'New-ProfileAward'
        'Update-ProfileAward'
        'Remove-ProfileAward'
        'Get-ProfileFacet'
        'New-ProfileFacet'
        'Update-ProfileFacet'
        'Remove-ProfileFacet'
        'Sync-ProfileFacet'
        'Get-ProfileCertificationExpiry'
    )
    CmdletsToExport      = @()
    VariablesToExport    = @()
    AliasesToExport      = @()

    PrivateData          = @{
        PSData = @{
            Tags       = @('MicrosoftGraph', 'Profile', 'Certifications', 'Awards', 'Linux', 'macOS', 'Windows')
            ProjectUri = 'https://github.com/graph-profile/graph-profile'
        }
    }
}
