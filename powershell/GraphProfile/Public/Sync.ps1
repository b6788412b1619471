# Bulk work: Sync-ProfileFacet and Get-ProfileCertificationExpiry, over the core's sync
# (gp_sync_plan, gp_sync_apply, gp_expiry_report).  The core reads the input, plans,
# paces and resumes; these commands build its JSON request and turn its JSON answer into
# typed objects and one ErrorRecord per bad row or failed entry.

function Get-SyncProperty {
    # A property of an object from ConvertFrom-Json, or $null when the core left it out
    # (it omits empty ones; strict mode would throw on reading them).
    param($Object, [string] $Name)

    $property = $Object.PSObject.Properties[$Name]
    if ($property) { $property.Value } else { $null }
}

function ConvertTo-SyncEntry {
    # One pipeline row as an entry of the core's JSON input: the module's UserId and Kind
    # become the core's user and facet, and empty text (an empty Import-Csv cell) means
    # "not given", as an empty cell of a CSV file does.
    param($Row)

    $entry = [ordered]@{}
    $pairs = if ($Row -is [System.Collections.IDictionary]) {
        foreach ($key in $Row.Keys) { [pscustomobject]@{ Name = [string]$key; Value = $Row[$key] } }
    }
    else {
        $Row.PSObject.Properties | Where-Object { $_.MemberType -in 'NoteProperty', 'Property' }
    }
    foreach ($pair in $pairs) {
        $value = $pair.Value
        if ($null -eq $value -or ($value -is [string] -and $value.Length -eq 0)) { continue }
        $entry[$pair.Name] = $value
    }

    # The keys ignore case, and ToJson writes "Facet" as "facet" already.
    if ($entry.Contains('Kind') -and -not $entry.Contains('facet')) {
        $entry['facet'] = $entry['Kind']
        $entry.Remove('Kind')
    }
    # webAccounts have a userId field of their own: there the row must say "user".
    if (-not $entry.Contains('user') -and $entry['facet'] -ne 'webAccounts') {
        foreach ($name in 'UserId', 'UserPrincipalName') {
            if ($entry.Contains($name)) {
                $entry['user'] = $entry[$name]
                $entry.Remove($name)
                break
            }
        }
    }
    $entry
}

function New-SyncErrorRecord {
    # The ErrorRecord of a bad row (ErrorId ProfileFacetSyncBadRow) or a failed entry
    # (ProfileFacetSyncFailed); the target is the row or the outcome.
    param([string] $ErrorId, [string] $Message, $Target, [string] $Category)

    $exception = [GraphProfile.GraphProfileException]::new('GP_SYNC_ROW', $Message)
    [System.Management.Automation.ErrorRecord]::new(
        $exception, $ErrorId, [System.Management.Automation.ErrorCategory]$Category, $Target)
}

function Write-SyncRowError {
    # One ErrorRecord per bad row (or user the service does not know) of a plan or report.
    param([System.Management.Automation.PSCmdlet] $Cmdlet, $Errors)

    foreach ($rowError in @($Errors)) {
        $field = Get-SyncProperty $rowError 'field'
        $row = [pscustomobject]@{
            PSTypeName = 'GraphProfile.SyncRowError'
            Line       = Get-SyncProperty $rowError 'line'
            UserId     = Get-SyncProperty $rowError 'user'
            Facet      = Get-SyncProperty $rowError 'facet'
            Field      = $field
            Reason     = $rowError.reason
        }
        $where = if ($field) { "line $($row.Line), $field" } else { "line $($row.Line)" }
        $Cmdlet.WriteError((New-SyncErrorRecord 'ProfileFacetSyncBadRow' `
                    "Not synced: $where`: $($row.Reason)" $row 'InvalidData'))
    }
}

function ConvertTo-SyncKey {
    # An entry's key as the core displays it: its parts joined by ' | '.
    param($Key)

    if ($null -eq $Key) { return $null }
    @($Key.parts) -join ' | '
}

function Sync-ProfileFacet {
    <#
    .SYNOPSIS
        Makes users' profile facets match a CSV or JSON file, or rows from the pipeline.

    .DESCRIPTION
        Reads the desired entries (one a row: user, facet, and the facet's fields), reads
        what every user concerned holds, and creates the entries missing, updates those
        that differ and, with -Prune, deletes those no row describes.  Which existing entry
        a row is follows the facet's key (certifications: certificationId, else
        displayName and issuingAuthority; see docs/powershell-migration.md).  The writes go
        through Graph's $batch at a pace that follows the service's throttling.

        -WhatIf reads only and shows what would be done, entry by entry.  Otherwise writes
        one GraphProfile.SyncOutcome per entry (Outcome created, updated, deleted,
        unchanged or notDone).  Each bad row is one ProfileFacetSyncBadRow error and each
        failed entry one ProfileFacetSyncFailed error; the other rows go on.  A failure of
        the whole run is ProfileFacetSync plus the usual suffix (ProfileFacetSyncValidation
        for input the core cannot read, ProfileFacetSyncCancelled after Ctrl+C);
        a -Path that does not exist is ProfileFacetSyncInputNotFound.

    .PARAMETER Path
        A CSV file (a header row with a user column, a facet column or -Facet, and the
        facet's fields) or a JSON file (an array of objects with user, facet and fields).
        A .json extension means JSON; any other, CSV.

    .PARAMETER InputObject
        Rows, for example from Import-Csv: objects or hashtables with user (or UserId),
        facet (or Kind, or -Facet) and the facet's fields.  Empty values are not sent.

    .PARAMETER Facet
        The facet of rows that name none (Tab completes the 19 names).

    .PARAMETER Prune
        Also deletes the entries of each user and facet concerned that no row describes.

    .PARAMETER Strict
        Writes nothing when any row is bad.

    .PARAMETER StatePath
        The resume journal (JSON lines).  A run stopped half-way and run again with the
        same input and -StatePath does not repeat the writes done before: they come back
        with EarlierRun set.

    .EXAMPLE
        Sync-ProfileFacet -Path ./certifications.csv -Facet certifications -WhatIf

        Shows what the file would change (What if: ...) without changing anything.

    .EXAMPLE
        Import-Csv ./certifications.csv | Sync-ProfileFacet -Facet certifications `
            -StatePath ./sync-state.jsonl -ErrorVariable failed |
            Group-Object Outcome -NoElement

        Applies the rows, resumable, and counts the outcomes; bad rows land in $failed.

    .EXAMPLE
        Sync-ProfileFacet -Path ./skills.json -Prune -Confirm:$false

        Makes each user's skills exactly those of the file.
    #>
    [CmdletBinding(
        SupportsShouldProcess, ConfirmImpact = 'Medium', DefaultParameterSetName = 'Path')]
    [OutputType('GraphProfile.SyncOutcome')]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'Path')]
        [Alias('FilePath')]
        [string] $Path,

        [Parameter(Mandatory, ParameterSetName = 'InputObject', ValueFromPipeline)]
        [Alias('Row')]
        [object] $InputObject,

        [ValidateSet([GraphProfile.FacetNameSet])]
        [Alias('Kind')]
        [string] $Facet,

        [switch] $Prune,

        [switch] $Strict,

        [Alias('JournalPath')]
        [string] $StatePath
    )

    begin {
        $null = Get-ActiveConnection $PSCmdlet -Refresh
        $rows = [System.Collections.Generic.List[object]]::new()
    }
    process {
        if ($PSCmdlet.ParameterSetName -eq 'InputObject') {
            $rows.Add((ConvertTo-SyncEntry $InputObject))
        }
    }
    end {
        $request = [ordered]@{ prune = $Prune.IsPresent; strict = $Strict.IsPresent }
        if ($Facet) { $request.facet = $Facet }
        if ($StatePath) {
            # The library's working folder is not PowerShell's location.
            $request.journal = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($StatePath)
        }
        if ($PSCmdlet.ParameterSetName -eq 'Path') {
            $file = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($Path)
            if (-not [System.IO.File]::Exists($file)) {
                $exception = [System.Management.Automation.ItemNotFoundException]::new(
                    "No input file at '$file'.")
                $PSCmdlet.WriteError([System.Management.Automation.ErrorRecord]::new(
                        $exception, 'ProfileFacetSyncInputNotFound',
                        [System.Management.Automation.ErrorCategory]::ObjectNotFound, $Path))
                return
            }
            $request.input = [System.IO.File]::ReadAllText($file)
            $request.format = if ([System.IO.Path]::GetExtension($file) -eq '.json') { 'json' }
            else { 'csv' }
            $what = "'$Path'"
        }
        else {
            $request.entries = $rows
            $what = "$($rows.Count) rows"
        }
        $json = [GraphProfile.EntryConverter]::ToJson($request, $null)

        $connection = Get-ActiveConnection $PSCmdlet
        if ($WhatIfPreference) {
            # The preview is the core's plan: it reads, and changes nothing.
            $call = $connection.SyncPlan($json)
            [GraphProfile.Operations]::Wait($PSCmdlet, $call)
            if ($call.Error) {
                $PSCmdlet.WriteError($call.Error.ToErrorRecord('ProfileFacetSync', $what))
                return
            }
            $plan = $call.Output | ConvertFrom-Json -Depth 16
            Write-SyncRowError $PSCmdlet $plan.errors
            foreach ($item in @($plan.items)) {
                if ($item.action -eq 'unchanged') { continue }
                $changes = @(Get-SyncProperty $item 'changes') | Where-Object { $_ } |
                    ForEach-Object { $_.field }
                $detail = if ($changes) { " ($($changes -join ', '))" } else { '' }
                $target = "$($item.facet) entry '$(ConvertTo-SyncKey $item.key)' of user " +
                    "'$($item.user)'"
                $null = $PSCmdlet.ShouldProcess($target, "$($item.action)$detail")
            }
            return
        }
        if (-not $PSCmdlet.ShouldProcess($what, 'Sync profile facets')) {
            return
        }

        $call = $connection.SyncApply($json)
        [GraphProfile.Operations]::Wait($PSCmdlet, $call)
        if ($call.Error) {
            $PSCmdlet.WriteError($call.Error.ToErrorRecord('ProfileFacetSync', $what))
            return
        }
        $report = $call.Output | ConvertFrom-Json -Depth 16
        Write-SyncRowError $PSCmdlet $report.errors
        foreach ($item in @($report.outcomes)) {
            $outcome = [pscustomobject]@{
                PSTypeName = 'GraphProfile.SyncOutcome'
                Outcome    = $item.outcome
                UserId     = $item.user
                Facet      = $item.facet
                Key        = ConvertTo-SyncKey $item.key
                Line       = Get-SyncProperty $item 'line'
                Id         = Get-SyncProperty $item 'entryId'
                EarlierRun = [bool](Get-SyncProperty $item 'earlierRun')
                Attempts   = $item.attempts
                Error      = Get-SyncProperty $item 'error'
            }
            if ($item.outcome -eq 'failed') {
                $message = "$($outcome.Facet) entry '$($outcome.Key)' of user " +
                    "'$($outcome.UserId)' failed: $($outcome.Error)"
                $PSCmdlet.WriteError(
                    (New-SyncErrorRecord 'ProfileFacetSyncFailed' $message $outcome 'WriteError'))
                continue
            }
            $PSCmdlet.WriteObject($outcome)
        }
        $summary = $report.summary
        if ($summary.notDone -gt 0) {
            $PSCmdlet.WriteWarning(
                "$($summary.notDone) entries were not written (Outcome notDone): " +
                "$(@($report.outcomes | Where-Object outcome -eq 'notDone')[0].error)")
        }
    }
}

function Get-ProfileCertificationExpiry {
    <#
    .SYNOPSIS
        Lists certifications that expire soon, or have expired, for users or the tenant.

    .DESCRIPTION
        Reads the certifications of the given users (or of every user of the tenant) and
        writes one GraphProfile.CertificationExpiry for each whose EndDate falls within
        -WithinDays of -AsOf (default today), soonest first; with -IncludeExpired, those
        ended already too.  A certification is valid through its EndDate.  Each row has
        UserId and Id, so it can be piped to Update-ProfileCertification.  A user who
        cannot be read is one ProfileCertificationExpiryNotRead error; the others go on.

    .PARAMETER UserId
        The users: object ids or user principal names.  Left out: every user of the tenant.

    .PARAMETER WithinDays
        How many days ahead to look (default 30).

    .PARAMETER IncludeExpired
        Also lists certifications whose EndDate has passed.

    .PARAMETER AsOf
        The day the report is for (default today, UTC); only its date counts.

    .EXAMPLE
        Get-ProfileCertificationExpiry -WithinDays 60 -IncludeExpired

        Every certification in the tenant ended already or ending within 60 days.

    .EXAMPLE
        'adele.vance@contoso.com', 'megan.bowen@contoso.com' |
            Get-ProfileCertificationExpiry -AsOf 2026-12-01 |
            Export-Csv ./expiring.csv
    #>
    [CmdletBinding()]
    [OutputType('GraphProfile.CertificationExpiry')]
    param(
        [Parameter(Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('UserPrincipalName')]
        [string[]] $UserId,

        [ValidateRange(0, 36500)]
        [int] $WithinDays = 30,

        [switch] $IncludeExpired,

        [datetime] $AsOf
    )

    begin {
        $null = Get-ActiveConnection $PSCmdlet -Refresh
        $users = [System.Collections.Generic.List[string]]::new()
    }
    process {
        foreach ($user in @($UserId)) {
            if ($user) { $users.Add($user) }
        }
    }
    end {
        # No users: the whole tenant.  Assigned apart, so one user stays a list.
        $request = [ordered]@{ users = $null }
        if ($users.Count -gt 0) { $request.users = $users.ToArray() }
        $request.withinDays = $WithinDays
        $request.includeExpired = $IncludeExpired.IsPresent
        if ($PSBoundParameters.ContainsKey('AsOf')) { $request.asOf = $AsOf.Date }
        $json = [GraphProfile.EntryConverter]::ToJson($request, $null)

        $call = (Get-ActiveConnection $PSCmdlet).ExpiryReport($json)
        [GraphProfile.Operations]::Wait($PSCmdlet, $call)
        if ($call.Error) {
            $PSCmdlet.WriteError($call.Error.ToErrorRecord('ProfileCertificationExpiry', $request))
            return
        }
        $report = $call.Output | ConvertFrom-Json -Depth 8
        $invariant = [cultureinfo]::InvariantCulture
        foreach ($unread in @(Get-SyncProperty $report 'errors') | Where-Object { $_ }) {
            $target = [pscustomobject]@{ UserId = $unread.user; Reason = $unread.reason }
            $PSCmdlet.WriteError((New-SyncErrorRecord 'ProfileCertificationExpiryNotRead' `
                        "Certifications of '$($unread.user)' not read: $($unread.reason)" `
                        $target 'ReadError'))
        }
        foreach ($row in @($report.certifications)) {
            $PSCmdlet.WriteObject([pscustomobject]@{
                    PSTypeName       = 'GraphProfile.CertificationExpiry'
                    UserId           = $row.user
                    Status           = $row.status
                    DaysLeft         = $row.daysLeft
                    EndDate          = [datetime]::ParseExact($row.endDate, 'yyyy-MM-dd',
                        $invariant)
                    DisplayName      = $row.displayName
                    IssuingAuthority = Get-SyncProperty $row 'issuingAuthority'
                    CertificationId  = Get-SyncProperty $row 'certificationId'
                    Id               = Get-SyncProperty $row 'entryId'
                })
        }
    }
}
