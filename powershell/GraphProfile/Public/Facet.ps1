# Every facet by name: Get-, New-, Update-, Remove-ProfileFacet -Kind <collection>.

$script:Facets = @{}

function Get-FacetCommand {
    # The description of one facet for [GraphProfile.Operations]: outputs are typed
    # GraphProfile.ProfileFacet#<kind> and GraphProfile.ProfileFacet, and carry Kind.
    param([string] $Kind)

    $facet = $script:Facets[$Kind]
    if (-not $facet) {
        $types = @("GraphProfile.ProfileFacet#$Kind", 'GraphProfile.ProfileFacet')
        $facet = [GraphProfile.FacetCommand]::new($Kind, 'ProfileFacet', $types, $null)
        $facet.NotesKind = $true
        $script:Facets[$Kind] = $facet
    }
    $facet
}

function Get-FacetSkip {
    # The module's own properties, left out of what is sent.  webAccounts entries have a
    # userId field of their own (the account's user on that service), so it is kept there;
    # give -UserId explicitly when piping webAccounts.
    param([string] $Kind)

    if ($Kind -eq 'webAccounts') { @('Kind', 'Id') } else { @('Kind', 'UserId', 'Id') }
}

function Get-ProfileFacet {
    <#
    .SYNOPSIS
        Lists the entries of any profile facet of a user, or reads one by id.

    .DESCRIPTION
        -Kind names the facet by its collection name: account, addresses, anniversaries,
        awards, certifications, educationalActivities, emails, interests, languages, names,
        notes, patents, phones, positions, projects, publications, skills, webAccounts,
        websites (Tab completes them).  Writes GraphProfile.ProfileFacet objects with the
        entry's fields as properties plus Kind and UserId, so they can be piped to
        Update- or Remove-ProfileFacet.

    .PARAMETER Kind
        The facet's collection name.

    .PARAMETER UserId
        The user: an object id, a user principal name, or 'me' (the default).

    .PARAMETER Id
        The id of one entry to read.

    .PARAMETER All
        Reads every page (also the default without -Top).

    .PARAMETER Top
        Writes at most this many entries.

    .PARAMETER Filter
        An OData filter: "proficiency eq 'expert'".

    .PARAMETER Property
        Only these fields (Graph's $select).

    .EXAMPLE
        Get-ProfileFacet -Kind skills -UserId megan.bowen@contoso.com

    .EXAMPLE
        Get-ProfileFacet -Kind languages -Filter "tag eq 'fr-FR'" | Format-List
    #>
    [CmdletBinding(DefaultParameterSetName = 'List')]
    [OutputType('GraphProfile.ProfileFacet')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)]
        [ValidateSet([GraphProfile.FacetNameSet])]
        [string] $Kind,

        [Parameter(Position = 1, ValueFromPipelineByPropertyName)]
        [Alias('UserPrincipalName')]
        [string] $UserId = 'me',

        [Parameter(Mandatory, ParameterSetName = 'ById', ValueFromPipelineByPropertyName)]
        [string] $Id,

        [Parameter(ParameterSetName = 'List')]
        [switch] $All,

        [Parameter(ParameterSetName = 'List')]
        [ValidateRange(1, [int]::MaxValue)]
        [int] $Top,

        [Parameter(ParameterSetName = 'List')]
        [string] $Filter,

        [Alias('Select')]
        [string[]] $Property
    )

    begin {
        $null = Get-ActiveConnection $PSCmdlet -Refresh
    }
    process {
        [GraphProfile.Operations]::Get($PSCmdlet, (Get-ActiveConnection $PSCmdlet),
            (Get-FacetCommand $Kind), $UserId, $Id, $Top, $Filter, $Property)
    }
}

function New-ProfileFacet {
    <#
    .SYNOPSIS
        Adds an entry to any profile facet of a user.

    .DESCRIPTION
        The entry is a hashtable or an object whose keys or properties are the facet's
        fields, in Graph's names (displayName or DisplayName: the first letter's case does
        not matter).  [datetime] values are sent as calendar dates.  The draft is checked
        against the facet's fields before it is sent; a bad one writes a
        ProfileFacetValidation error naming the field (with -WhatIf too), and piped entries
        after it go on.

    .PARAMETER Kind
        The facet's collection name (Tab completes).

    .PARAMETER UserId
        The user: an object id, a user principal name, or 'me' (the default).

    .PARAMETER InputObject
        The entry: a hashtable or an object (an Import-Csv row, a [pscustomobject], an entry
        read with Get-ProfileFacet).  Properties Kind, UserId and Id are not sent.

    .EXAMPLE
        New-ProfileFacet -Kind skills -UserId adele.vance@contoso.com -InputObject @{
            displayName = 'Rust'; proficiency = 'advancedProfessional'
            collaborationTags = @('ableToMentor') }

    .EXAMPLE
        Import-Csv languages.csv | New-ProfileFacet -Kind languages

        Each row's columns (displayName, tag, proficiency, and UserId) make one entry.
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType('GraphProfile.ProfileFacet')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)]
        [ValidateSet([GraphProfile.FacetNameSet])]
        [string] $Kind,

        [Parameter(ValueFromPipelineByPropertyName)]
        [Alias('UserPrincipalName')]
        [string] $UserId = 'me',

        [Parameter(Mandatory, Position = 1, ValueFromPipeline)]
        [Alias('Draft', 'Entry')]
        [object] $InputObject
    )

    begin {
        $null = Get-ActiveConnection $PSCmdlet -Refresh
    }
    process {
        $connection = Get-ActiveConnection $PSCmdlet
        $facet = Get-FacetCommand $Kind
        $skip = Get-FacetSkip $Kind
        # Checked before ShouldProcess: -WhatIf and -Confirm must not pass a bad entry.
        if (-not [GraphProfile.Operations]::Check($PSCmdlet, $connection, $facet, $UserId,
                $null, $InputObject, $skip, $InputObject)) {
            return
        }
        if (-not $PSCmdlet.ShouldProcess("user '$UserId'", "Create $Kind entry")) {
            return
        }
        [GraphProfile.Operations]::Create($PSCmdlet, $connection, $facet, $UserId, $InputObject,
            $skip, $InputObject)
    }
}

function Update-ProfileFacet {
    <#
    .SYNOPSIS
        Changes fields of an entry of any profile facet.

    .DESCRIPTION
        The patch is a hashtable or an object of the fields to change; a $null value clears
        a field.  An entry read with Get-ProfileFacet, changed and piped back, is sent
        whole: its Kind, UserId and Id say which entry, and the fields the service sets are
        left out.  Writes the entry as it is afterwards.  The patch is checked before it is
        sent, with -WhatIf too; dates in it are compared with each other, not with the
        stored ones (the service refuses an end before a stored start).

    .PARAMETER Kind
        The facet's collection name (Tab completes).

    .PARAMETER UserId
        The user: an object id, a user principal name, or 'me' (the default).

    .PARAMETER Id
        The entry's id.

    .PARAMETER InputObject
        The patch: a hashtable or an object.

    .EXAMPLE
        Update-ProfileFacet -Kind skills -Id $id -InputObject @{ proficiency = 'expert' }

    .EXAMPLE
        Get-ProfileFacet -Kind skills -UserId $user |
            Where-Object DisplayName -eq 'Rust' |
            ForEach-Object { $_.Proficiency = 'expert'; $_ } |
            Update-ProfileFacet
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType('GraphProfile.ProfileFacet')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)]
        [ValidateSet([GraphProfile.FacetNameSet])]
        [string] $Kind,

        [Parameter(ValueFromPipelineByPropertyName)]
        [Alias('UserPrincipalName')]
        [string] $UserId = 'me',

        [Parameter(Mandatory, Position = 1, ValueFromPipelineByPropertyName)]
        [string] $Id,

        [Parameter(Mandatory, Position = 2, ValueFromPipeline)]
        [Alias('Patch')]
        [object] $InputObject
    )

    begin {
        $null = Get-ActiveConnection $PSCmdlet -Refresh
    }
    process {
        $connection = Get-ActiveConnection $PSCmdlet
        $facet = Get-FacetCommand $Kind
        $skip = Get-FacetSkip $Kind
        # Checked before ShouldProcess: -WhatIf and -Confirm must not pass a bad patch.
        if (-not [GraphProfile.Operations]::Check($PSCmdlet, $connection, $facet, $UserId, $Id,
                $InputObject, $skip, $InputObject)) {
            return
        }
        if (-not $PSCmdlet.ShouldProcess("$Kind entry '$Id' of user '$UserId'", 'Update')) {
            return
        }
        [GraphProfile.Operations]::Update($PSCmdlet, $connection, $facet, $UserId, $Id,
            $InputObject, $skip, $InputObject)
    }
}

function Remove-ProfileFacet {
    <#
    .SYNOPSIS
        Deletes an entry of any profile facet.

    .DESCRIPTION
        Deletes by kind and id; pipe Get-ProfileFacet output in to delete what a query found.
        Asks for confirmation unless -Confirm:$false (ConfirmImpact High).

    .PARAMETER Kind
        The facet's collection name (Tab completes).

    .PARAMETER UserId
        The user: an object id, a user principal name, or 'me' (the default).

    .PARAMETER Id
        The entry's id.

    .PARAMETER PassThru
        Writes a GraphProfile.RemovedEntry (UserId, Kind, Id) for each deleted entry.

    .EXAMPLE
        Remove-ProfileFacet -Kind skills -Id $id -Confirm:$false

    .EXAMPLE
        Get-ProfileFacet -Kind phones -UserId $user | Where-Object Type -eq 'pager' |
            Remove-ProfileFacet -PassThru
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
    [OutputType('GraphProfile.RemovedEntry')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)]
        [ValidateSet([GraphProfile.FacetNameSet])]
        [string] $Kind,

        [Parameter(ValueFromPipelineByPropertyName)]
        [Alias('UserPrincipalName')]
        [string] $UserId = 'me',

        [Parameter(Mandatory, Position = 1, ValueFromPipelineByPropertyName)]
        [string] $Id,

        [switch] $PassThru
    )

    begin {
        $null = Get-ActiveConnection $PSCmdlet -Refresh
    }
    process {
        if (-not $PSCmdlet.ShouldProcess("$Kind entry '$Id' of user '$UserId'", 'Remove')) {
            return
        }
        [GraphProfile.Operations]::Remove($PSCmdlet, (Get-ActiveConnection $PSCmdlet),
            (Get-FacetCommand $Kind), $UserId, $Id, $PassThru.IsPresent)
    }
}
