# Awards: Get-, New-, Update-, Remove-ProfileAward.

# The parameters that are fields of an award, in Graph's order.
$script:AwardFields = @(
    'DisplayName', 'Description', 'IssuedDate', 'IssuingAuthority', 'WebUrl', 'ThumbnailUrl',
    'AllowedAudiences', 'IsSearchable'
)
$script:Award = [GraphProfile.FacetCommand]::new(
    'awards', 'ProfileAward', @('GraphProfile.Award'), @('issuedDate'))

function Get-ProfileAward {
    <#
    .SYNOPSIS
        Lists a user's awards, or reads one by id.

    .DESCRIPTION
        Writes GraphProfile.Award objects: the award's fields as properties
        (IssuedDate as a [datetime] date) and UserId, so they can be
        piped to Update- or Remove-ProfileAward.  Every page is read unless -Top
        limits the count.

    .PARAMETER UserId
        The user: an object id, a user principal name (guests' '#EXT#' names work as they
        are), or 'me' (the default).

    .PARAMETER Id
        The id of one award to read.

    .PARAMETER All
        Reads every page.  This is also what happens without -Top; the switch is accepted so
        that scripts written for Get-MgBetaUserProfileAward keep working.

    .PARAMETER Top
        Writes at most this many awards.

    .PARAMETER Filter
        An OData filter, as Graph takes it: "issuingAuthority eq 'Topedia'".  Quotes inside a
        literal are doubled: "displayName eq 'O''Brien'".

    .PARAMETER Property
        Only these fields (Graph's $select): DisplayName, IssuedDate, ...

    .EXAMPLE
        Get-ProfileAward -UserId adele.vance@contoso.com

    .EXAMPLE
        Get-ProfileAward -UserId ann_fabrikam.com#EXT#@contoso.com -Top 5

        A guest's awards: the '#' is encoded for you.

    .EXAMPLE
        Get-ProfileAward -UserId $user | Where-Object IssuedDate -ge (Get-Date).AddYears(-1)

        Awards of the last twelve months.
    #>
    [CmdletBinding(DefaultParameterSetName = 'List')]
    [OutputType('GraphProfile.Award')]
    param(
        [Parameter(Position = 0, ValueFromPipelineByPropertyName)]
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
        $connection = Get-ActiveConnection $PSCmdlet
        [GraphProfile.Operations]::Get($PSCmdlet, $connection, $script:Award,
            $UserId, $Id, $Top, $Filter, $Property)
    }
}

function New-ProfileAward {
    <#
    .SYNOPSIS
        Adds an award to a user's profile.

    .DESCRIPTION
        Creates one award per call or per piped object.  Columns of Import-Csv named
        like the parameters (DisplayName, IssuedDate, UserId, ...) bind by name, so a CSV
        file can be piped in.  Each row that fails writes its own error and the others go
        on.  The input is checked before anything is sent: a missing display name, a date
        that is not a date or an unknown audience is refused with an error naming the field
        (ErrorId ProfileAwardValidation), with -WhatIf as in a real run.  An unknown user is
        a ProfileAwardNotFound error from the service, and the next rows go on.  The request is
        retried when Graph throttles, and never creates the award twice.

    .PARAMETER UserId
        The user: an object id, a user principal name (guests' '#EXT#' names work), or 'me'
        (the default).

    .PARAMETER DisplayName
        The award's name, as shown on the profile card.  Required.

    .PARAMETER Description
        A description.

    .PARAMETER IssuingAuthority
        Who issued it.

    .PARAMETER IssuedDate
        When it was issued: a [datetime] (only its date counts, never shifted by time zone)
        or 'yyyy-MM-dd' text.

    .PARAMETER WebUrl
        A link to the award.

    .PARAMETER ThumbnailUrl
        A link to an image.  Graph accepts it but shows its own placeholder today.

    .PARAMETER AllowedAudiences
        Who may see it: me, family, contacts, groupMembers, organization,
        federatedOrganizations, everyone (several are combined).  Press Tab to complete.

    .PARAMETER IsSearchable
        Whether it can be found by search; true or false (CSV text works too).

    .EXAMPLE
        New-ProfileAward -UserId admin@contoso.com -DisplayName 'Introducing Topedia Blog' `
            -IssuedDate 2020-04-01 -AllowedAudiences everyone -IsSearchable $false

    .EXAMPLE
        Import-Csv awards.csv | New-ProfileAward -WhatIf

        Shows what each row would create, changing nothing.

    .EXAMPLE
        Import-Csv awards.csv | New-ProfileAward -ErrorVariable failed
        $failed | ForEach-Object { $_.TargetObject.displayName + ': ' + $_.Exception.Message }

        Creates one award per row (columns UserId, DisplayName, IssuedDate, ...), then
        lists the rows that failed and why.
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType('GraphProfile.Award')]
    param(
        [Parameter(ValueFromPipelineByPropertyName)]
        [Alias('UserPrincipalName')]
        [string] $UserId = 'me',

        [Parameter(Position = 0, ValueFromPipelineByPropertyName)]
        [AllowEmptyString()]
        [string] $DisplayName,


        [Parameter(ValueFromPipelineByPropertyName)]
        [string] $Description,

        [Parameter(ValueFromPipelineByPropertyName)]
        [string] $IssuingAuthority,


        [Parameter(ValueFromPipelineByPropertyName)]
        [GraphProfile.CalendarDate()]
        [string] $IssuedDate,



        [Parameter(ValueFromPipelineByPropertyName)]
        [string] $WebUrl,

        [Parameter(ValueFromPipelineByPropertyName)]
        [string] $ThumbnailUrl,

        [Parameter(ValueFromPipelineByPropertyName)]
        [ArgumentCompleter([GraphProfile.AudienceCompleter])]
        [string[]] $AllowedAudiences,

        [Parameter(ValueFromPipelineByPropertyName)]
        [GraphProfile.BooleanText()]
        [Nullable[bool]] $IsSearchable
    )

    begin {
        $null = Get-ActiveConnection $PSCmdlet -Refresh
    }
    process {
        $fields = $script:AwardFields
        $draft = [GraphProfile.Operations]::Body($PSBoundParameters,
            $ExecutionContext.SessionState, $fields, $null)
        $target = [GraphProfile.Operations]::Target($draft, $UserId, $null)
        $connection = Get-ActiveConnection $PSCmdlet
        # Checked before ShouldProcess: -WhatIf and -Confirm must not pass a bad row.
        if (-not [GraphProfile.Operations]::Check($PSCmdlet, $connection, $script:Award,
                $UserId, $null, $draft, $null, $target)) {
            return
        }
        if (-not $PSCmdlet.ShouldProcess("user '$UserId'", "Create award '$DisplayName'")) {
            return
        }
        [GraphProfile.Operations]::Create($PSCmdlet, $connection, $script:Award,
            $UserId, $draft, $null, $target)
    }
}

function Update-ProfileAward {
    <#
    .SYNOPSIS
        Changes fields of a user's award.

    .DESCRIPTION
        Sends only the parameters given (empty text counts as not given, so CSV rows with
        empty cells change nothing there); -Clear empties fields.  Writes the award
        as it is afterwards.  Pipe Get-ProfileAward output in to update entries
        found by a query; Id and UserId bind by name.  The patch is checked before it is
        sent, as for New-ProfileAward.

    .PARAMETER UserId
        The user: an object id, a user principal name, or 'me' (the default).

    .PARAMETER Id
        The award's id.

    .PARAMETER DisplayName
        The new name.

    .PARAMETER Description
        The new description.

    .PARAMETER IssuingAuthority
        The new issuer.

    .PARAMETER IssuedDate
        The new issue date: a [datetime] (its date only) or 'yyyy-MM-dd'.

    .PARAMETER WebUrl
        The new link.

    .PARAMETER ThumbnailUrl
        The new image link.

    .PARAMETER AllowedAudiences
        Who may see it (Tab completes the names).

    .PARAMETER IsSearchable
        Whether search finds it.

    .PARAMETER Clear
        Fields to empty: Description, IssuedDate, WebUrl, ...

    .EXAMPLE
        Update-ProfileAward -UserId admin@contoso.com -Id $id -IssuedDate 2020-04-02

    .EXAMPLE
        Get-ProfileAward -UserId $user -Filter "displayName eq 'Introducing Topedia Blog'" |
            Update-ProfileAward -AllowedAudiences organization -WhatIf

        Shows which award would be narrowed to the organization.

    .EXAMPLE
        Update-ProfileAward -Id $id -Clear Description, WebUrl
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType('GraphProfile.Award')]
    param(
        [Parameter(ValueFromPipelineByPropertyName)]
        [Alias('UserPrincipalName')]
        [string] $UserId = 'me',

        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)]
        [string] $Id,

        [Parameter(ValueFromPipelineByPropertyName)]
        [string] $DisplayName,


        [Parameter(ValueFromPipelineByPropertyName)]
        [string] $Description,

        [Parameter(ValueFromPipelineByPropertyName)]
        [string] $IssuingAuthority,


        [Parameter(ValueFromPipelineByPropertyName)]
        [GraphProfile.CalendarDate()]
        [string] $IssuedDate,



        [Parameter(ValueFromPipelineByPropertyName)]
        [string] $WebUrl,

        [Parameter(ValueFromPipelineByPropertyName)]
        [string] $ThumbnailUrl,

        [Parameter(ValueFromPipelineByPropertyName)]
        [ArgumentCompleter([GraphProfile.AudienceCompleter])]
        [string[]] $AllowedAudiences,

        [Parameter(ValueFromPipelineByPropertyName)]
        [GraphProfile.BooleanText()]
        [Nullable[bool]] $IsSearchable,

        [ValidateSet('Description', 'IssuingAuthority',
            'IssuedDate', 'WebUrl', 'ThumbnailUrl', 'IsSearchable')]
        [string[]] $Clear
    )

    begin {
        $null = Get-ActiveConnection $PSCmdlet -Refresh
    }
    process {
        $fields = $script:AwardFields
        $patch = [GraphProfile.Operations]::Body($PSBoundParameters,
            $ExecutionContext.SessionState, $fields, $Clear)
        $target = [GraphProfile.Operations]::Target($patch, $UserId, $Id)
        $connection = Get-ActiveConnection $PSCmdlet
        # Checked before ShouldProcess: -WhatIf and -Confirm must not pass a bad patch.
        if (-not [GraphProfile.Operations]::Check($PSCmdlet, $connection, $script:Award,
                $UserId, $Id, $patch, $null, $target)) {
            return
        }
        if (-not $PSCmdlet.ShouldProcess("award '$Id' of user '$UserId'", 'Update')) {
            return
        }
        [GraphProfile.Operations]::Update($PSCmdlet, $connection, $script:Award,
            $UserId, $Id, $patch, $null, $target)
    }
}

function Remove-ProfileAward {
    <#
    .SYNOPSIS
        Deletes an award from a user's profile.

    .DESCRIPTION
        Deletes by id; pipe Get-ProfileAward output in to delete what a query found.
        Asks for confirmation unless -Confirm:$false (ConfirmImpact High).  An id that does
        not exist writes a ProfileAwardNotFound error.

    .PARAMETER UserId
        The user: an object id, a user principal name, or 'me' (the default).

    .PARAMETER Id
        The award's id.

    .PARAMETER PassThru
        Writes a GraphProfile.RemovedEntry (UserId, Kind, Id) for each deleted entry.

    .EXAMPLE
        Remove-ProfileAward -UserId admin@contoso.com -Id $id -Confirm:$false

    .EXAMPLE
        Get-ProfileAward -UserId $user | Where-Object IssuedDate -lt '2010-01-01' |
            Remove-ProfileAward -PassThru

        Deletes awards issued before 2010, asking first, and lists what was deleted.
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
    [OutputType('GraphProfile.RemovedEntry')]
    param(
        [Parameter(ValueFromPipelineByPropertyName)]
        [Alias('UserPrincipalName')]
        [string] $UserId = 'me',

        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)]
        [string] $Id,

        [switch] $PassThru
    )

    begin {
        $null = Get-ActiveConnection $PSCmdlet -Refresh
    }
    process {
        if (-not $PSCmdlet.ShouldProcess("award '$Id' of user '$UserId'", 'Remove')) {
            return
        }
        $connection = Get-ActiveConnection $PSCmdlet
        [GraphProfile.Operations]::Remove($PSCmdlet, $connection, $script:Award,
            $UserId, $Id, $PassThru.IsPresent)
    }
}
