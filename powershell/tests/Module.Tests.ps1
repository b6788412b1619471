# The module as installed: manifest, exports, the native library, and conventions.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    $script:manifestPath = Get-TestModulePath
    Import-Module $manifestPath -Force
    $script:module = Get-Module GraphProfile
}

Describe 'GraphProfile module' {
    It 'has a valid manifest for PowerShell 7.2 and later' {
        $manifest = Test-ModuleManifest $manifestPath
        $manifest.PowerShellVersion | Should -Be ([version]'7.2')
    }

    It 'exports exactly the listed commands, with approved verbs' {
        $expected = @(
            'Connect-GraphProfile', 'Disconnect-GraphProfile', 'Get-GraphProfileContext'
            'Get-ProfileCertification', 'New-ProfileCertification'
            'Update-ProfileCertification', 'Remove-ProfileCertification'
            'Get-ProfileAward', 'New-ProfileAward', 'Update-ProfileAward', 'Remove-ProfileAward'
            'Get-ProfileFacet', 'New-ProfileFacet', 'Update-ProfileFacet', 'Remove-ProfileFacet'
            'Sync-ProfileFacet', 'Get-ProfileCertificationExpiry'
        )
        @($module.ExportedCommands.Keys | Sort-Object) | Should -Be @($expected | Sort-Object)
        $approved = (Get-Verb).Verb
        foreach ($command in $module.ExportedCommands.Values) {
            $approved | Should -Contain $command.Verb
        }
    }

    It 'loads the native library from its runtime folder inside the module' {
        $rid = [GraphProfile.Native.NativeLibraryLoader]::RuntimeIdentifier
        $file = [GraphProfile.Native.NativeLibraryLoader]::FileName
        Join-Path $module.ModuleBase "runtimes/$rid/native/$file" | Should -Exist
        [GraphProfile.Native.NativeLibraryLoader]::LibraryVersion | Should -Match '^\d+\.\d+\.\d+'
        [GraphProfile.Native.NativeLibraryLoader]::LoadedPath | Should -BeLike "$($module.ModuleBase)*"
    }

    It 'offers -WhatIf and -Confirm on every command that changes something' {
        $changing = $module.ExportedCommands.Keys |
            Where-Object { $_ -match '^(New|Update|Remove|Sync)-' }
        foreach ($name in $changing) {
            $command = Get-Command $name
            $command.Parameters.Keys | Should -Contain 'WhatIf'
            $command.Parameters.Keys | Should -Contain 'Confirm'
            $binding = $command.ScriptBlock.Attributes |
                Where-Object { $_ -is [System.Management.Automation.CmdletBindingAttribute] }
            $expected = if ($name -like 'Remove-*') { 'High' } else { 'Medium' }
            "$($binding.ConfirmImpact)" | Should -Be $expected -Because $name
        }
    }

    It 'completes -AllowedAudiences and -Kind with Tab' {
        $line = 'New-ProfileCertification -AllowedAudiences org'
        $completion = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $completion.CompletionMatches.CompletionText | Should -Be @('organization')
        $line = 'Get-ProfileFacet -Kind cert'
        $completion = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $completion.CompletionMatches.CompletionText | Should -Be @('certifications')
    }

    It 'compiles its C# glue from source where no prebuilt DLL fits the runtime' {
        # What PowerShell 7.2 to 7.5 do with a module built by a newer pwsh: no lib/ for them.
        $copy = Join-Path $TestDrive 'GraphProfile'
        Copy-Item -Path $module.ModuleBase -Destination $copy -Recurse
        Remove-Item -Path (Join-Path $copy 'lib') -Recurse
        $null = New-Item -ItemType Directory -Path (Join-Path $copy 'lib')
        $output = pwsh -NoProfile -NonInteractive -Command "
            Import-Module '$copy'
            [GraphProfile.Native.NativeLibraryLoader].Assembly.Location
            (Get-Command -Module GraphProfile).Count
            [GraphProfile.FacetNameSet]::new().GetValidValues().Count"
        $LASTEXITCODE | Should -Be 0
        $output[0] | Should -BeNullOrEmpty -Because 'the glue was compiled in memory'
        $output[1] | Should -Be 17
        $output[2] | Should -Be 19
    }

    It 'imports again in the same session' {
        { Import-Module $manifestPath -Force } | Should -Not -Throw
        { Remove-Module GraphProfile; Import-Module $manifestPath } | Should -Not -Throw
    }
}
