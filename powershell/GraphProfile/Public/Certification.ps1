# Certifications: Get-, New-, Update-, Remove-ProfileCertification.

# The parameters that are fields of a certification, in Graph's order.
$script:CertificationFields = @(
    'DisplayName', 'CertificationId', 'Description', 'IssuingAuthority', 'IssuingCompany',
    'IssuedDate', 'StartDate', 'EndDate', 'WebUrl', 'ThumbnailUrl', 'AllowedAudiences',
    'IsSearchable'
)
$script:Certification = [GraphProfile.FacetCommand]::new(
    'certifications', 'ProfileCertification', @('GraphProfile.Certification'),
    @('issuedDate', 'startDate', 'endDate'))

function Get-ProfileCertification {
    <#
    .SYNOPSIS
        Lists a user's certifications, or reads one by id.

    .DESCRIPTION
        Writes GraphProfile.Certification objects: the certification's fields as properties
        (IssuedDate, StartDate and EndDate as [datetime] dates) and UserId, so they can be
        piped to Update- or Remove-ProfileCertification.  Every page is read unless -Top
        limits the count.

    .PARAMETER UserId
        The user: an object id, a user principal name (guests' '#EXT#' names work as they
        are), or 'me' (the default).

    .PARAMETER Id
        The id of one certification to read.

    .PARAMETER All
        Reads every page.  This is also what happens without -Top; the switch is accepted so
        that scripts written for Get-MgBetaUserProfileCertification keep working.

    .PARAMETER Top
        Writes at most this many certifications.

    .PARAMETER Filter
        An OData filter, as Graph takes it: "issuingCompany eq 'Microsoft'".  Quotes inside a
        literal are doubled: "displayName eq 'O''Brien'".

    .PARAMETER Property
        Only these fields (Graph's $select): DisplayName, EndDate, ...

    .EXAMPLE
        Get-ProfileCertification -UserId adele.vance@contoso.com

    .EXAMPLE
        Get-ProfileCertification -UserId ann_fabrikam.com#EXT#@contoso.com -Top 5

        A guest's certifications: the '#' is encoded for you.

    .EXAMPLE
        Get-ProfileCertification -UserId $user -Filter "issuingCompany eq 'Microsoft'" |
            Where-Object EndDate -lt (Get-Date).AddDays(30)

        Microsoft certifications ending within 30 days.
    #>
    [CmdletBinding(DefaultParameterSetName = 'List')]
    [OutputType('GraphProfile.Certification')]
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
        [GraphProfile.Operations]::Get($PSCmdlet, $connection, $script:Certification,
            $UserId, $Id, $Top, $Filter, $Property)
    }
}

function New-ProfileCertification {
    <#
    .SYNOPSIS
        Adds a certification to a user's profile.

    .DESCRIPTION
        Creates one certification per call or per piped object.  Columns of Import-Csv named
        like the parameters (DisplayName, IssuedDate, UserId, ...) bind by name, so a CSV
        file can be piped in.  Each row that fails writes its own error and the others go
        on.  The input is checked before anything is sent: a missing display name, a date
        that is not a date, an end before the start or an unknown audience is refused with
        an error naming the field (ErrorId ProfileCertificationValidation), with -WhatIf as
        in a real run.  Whether the user exists only the service knows: an unknown one is a
        ProfileCertificationNotFound error, and the next rows go on.  The request is
        retried when Graph throttles, and never creates the certification twice.

    .PARAMETER UserId
        The user: an object id, a user principal name (guests' '#EXT#' names work), or 'me'
        (the default).

    .PARAMETER DisplayName
        The certification's name, as shown on the profile card.  Required.

    .PARAMETER CertificationId
        The certification's id at its issuer (exam.ms-401).

    .PARAMETER Description
        A description.

    .PARAMETER IssuingAuthority
        Who issued it.

    .PARAMETER IssuingCompany
        The company behind the issuer.

    .PARAMETER IssuedDate
        When it was issued: a [datetime] (only its date counts, never shifted by time zone)
        or 'yyyy-MM-dd' text.

    .PARAMETER StartDate
        When it starts to be valid, as for IssuedDate.

    .PARAMETER EndDate
        When it expires, as for IssuedDate; not before IssuedDate or StartDate.

    .PARAMETER WebUrl
        A link to the certification.

    .PARAMETER ThumbnailUrl
        A link to an image.  Graph accepts it but shows its own placeholder today.

    .PARAMETER AllowedAudiences
        Who may see it: me, family, contacts, groupMembers, organization,
        federatedOrganizations, everyone (several are combined).  Press Tab to complete.

    .PARAMETER IsSearchable
        Whether it can be found by search; true or false (CSV text works too).

    .EXAMPLE
        New-ProfileCertification -UserId admin@contoso.com -CertificationId exam.ms-401 `
            -DisplayName 'Microsoft Certified: Information Security Administrator Associate' `
            -IssuingCompany Microsoft -IssuedDate 2025-04-28 -EndDate 2027-04-29 `
            -AllowedAudiences organization

    .EXAMPLE
        Import-Csv certifications.csv | New-ProfileCertification -WhatIf

        Shows what each row would create, changing nothing.

    .EXAMPLE
        Import-Csv certifications.csv | New-ProfileCertification -ErrorVariable failed
        $failed | ForEach-Object { $_.TargetObject.displayName + ': ' + $_.Exception.Message }

        Creates one certification per row (columns UserId, DisplayName, IssuedDate, ...), then
        lists the rows that failed and why.
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType('GraphProfile.Certification')]
    param(
        [Parameter(ValueFromPipelineByPropertyName)]
        [Alias('UserPrincipalName')]
        [string] $UserId = 'me',

        [Parameter(Position = 0, ValueFromPipelineByPropertyName)]
        [AllowEmptyString()]
        [string] $DisplayName,

        [Parameter(ValueFromPipelineByPropertyName)]
        [string] $CertificationId,

        [Parameter(ValueFromPipelineByPropertyName)]
        [string] $Description,

        [Parameter(ValueFromPipelineByPropertyName)]
        [string] $IssuingAuthority,

        [Parameter(ValueFromPipelineByPropertyName)]
        [string] $IssuingCompany,

        [Parameter(ValueFromPipelineByPropertyName)]
        [GraphProfile.CalendarDate()]
        [string] $IssuedDate,

        [Parameter(ValueFromPipelineByPropertyName)]
        [GraphProfile.CalendarDate()]
        [string] $StartDate,

        [Parameter(ValueFromPipelineByPropertyName)]
        [GraphProfile.CalendarDate()]
        [string] $EndDate,

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
        $fields = $script:CertificationFields
        $draft = [GraphProfile.Operations]::Body($PSBoundParameters,
            $ExecutionContext.SessionState, $fields, $null)
        $target = [GraphProfile.Operations]::Target($draft, $UserId, $null)
        $connection = Get-ActiveConnection $PSCmdlet
        # Checked before ShouldProcess: -WhatIf and -Confirm must not pass a bad row.
        if (-not [GraphProfile.Operations]::Check($PSCmdlet, $connection, $script:Certification,
                $UserId, $null, $draft, $null, $target)) {
            return
        }
        if (-not $PSCmdlet.ShouldProcess("user '$UserId'", "Create certification '$DisplayName'")) {
            return
        }
        [GraphProfile.Operations]::Create($PSCmdlet, $connection, $script:Certification,
            $UserId, $draft, $null, $target)
    }
}

function Update-ProfileCertification {
    <#
    .SYNOPSIS
        Changes fields of a user's certification.

    .DESCRIPTION
        Sends only the parameters given (empty text counts as not given, so CSV rows with
        empty cells change nothing there); -Clear empties fields.  Writes the certification
        as it is afterwards.  Pipe Get-ProfileCertification output in to update entries
        found by a query; Id and UserId bind by name.  The patch is checked before it is
        sent, as for New-ProfileCertification, and also with -WhatIf.  A new date is
        compared with the certification's other dates: those given with it, and the stored
        ones (read first) for those not given, so -EndDate alone before the stored
        IssuedDate is refused (ProfileCertificationValidation) and nothing is written.

    .PARAMETER UserId
        The user: an object id, a user principal name, or 'me' (the default).

    .PARAMETER Id
        The certification's id.

    .PARAMETER DisplayName
        The new name.

    .PARAMETER CertificationId
        The new issuer's id.

    .PARAMETER Description
        The new description.

    .PARAMETER IssuingAuthority
        The new issuer.

    .PARAMETER IssuingCompany
        The new issuing company.

    .PARAMETER IssuedDate
        The new issue date: a [datetime] (its date only) or 'yyyy-MM-dd'.

    .PARAMETER StartDate
        The new start date.

    .PARAMETER EndDate
        The new expiry date.

    .PARAMETER WebUrl
        The new link.

    .PARAMETER ThumbnailUrl
        The new image link.

    .PARAMETER AllowedAudiences
        Who may see it (Tab completes the names).

    .PARAMETER IsSearchable
        Whether search finds it.

    .PARAMETER Clear
        Fields to empty: Description, EndDate, WebUrl, ...

    .EXAMPLE
        Update-ProfileCertification -UserId admin@contoso.com -Id $id -EndDate 2028-04-29

    .EXAMPLE
        Get-ProfileCertification -UserId $user -Filter "certificationId eq 'exam.ms-401'" |
            Update-ProfileCertification -EndDate ([datetime]'2028-04-29') -WhatIf

        Shows which certification would get the new end date.

    .EXAMPLE
        Update-ProfileCertification -Id $id -Clear EndDate, WebUrl
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType('GraphProfile.Certification')]
    param(
        [Parameter(ValueFromPipelineByPropertyName)]
        [Alias('UserPrincipalName')]
        [string] $UserId = 'me',

        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)]
        [string] $Id,

        [Parameter(ValueFromPipelineByPropertyName)]
        [string] $DisplayName,

        [Parameter(ValueFromPipelineByPropertyName)]
        [string] $CertificationId,

        [Parameter(ValueFromPipelineByPropertyName)]
        [string] $Description,

        [Parameter(ValueFromPipelineByPropertyName)]
        [string] $IssuingAuthority,

        [Parameter(ValueFromPipelineByPropertyName)]
        [string] $IssuingCompany,

        [Parameter(ValueFromPipelineByPropertyName)]
        [GraphProfile.CalendarDate()]
        [string] $IssuedDate,

        [Parameter(ValueFromPipelineByPropertyName)]
        [GraphProfile.CalendarDate()]
        [string] $StartDate,

        [Parameter(ValueFromPipelineByPropertyName)]
        [GraphProfile.CalendarDate()]
        [string] $EndDate,

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

        [ValidateSet('CertificationId', 'Description', 'IssuingAuthority', 'IssuingCompany',
            'IssuedDate', 'StartDate', 'EndDate', 'WebUrl', 'ThumbnailUrl', 'IsSearchable')]
        [string[]] $Clear
    )

    begin {
        $null = Get-ActiveConnection $PSCmdlet -Refresh
    }
    process {
        $fields = $script:CertificationFields
        $patch = [GraphProfile.Operations]::Body($PSBoundParameters,
            $ExecutionContext.SessionState, $fields, $Clear)
        $target = [GraphProfile.Operations]::Target($patch, $UserId, $Id)
        $connection = Get-ActiveConnection $PSCmdlet
        # Checked before ShouldProcess: -WhatIf and -Confirm must not pass a bad patch.
        if (-not [GraphProfile.Operations]::Check($PSCmdlet, $connection, $script:Certification,
                $UserId, $Id, $patch, $null, $target)) {
            return
        }
        if (-not $PSCmdlet.ShouldProcess("certification '$Id' of user '$UserId'", 'Update')) {
            return
        }
        [GraphProfile.Operations]::Update($PSCmdlet, $connection, $script:Certification,
            $UserId, $Id, $patch, $null, $target)
    }
}

function Remove-ProfileCertification {
    <#
    .SYNOPSIS
        Deletes a certification from a user's profile.

    .DESCRIPTION
        Deletes by id; pipe Get-ProfileCertification output in to delete what a query found.
        Asks for confirmation unless -Confirm:$false (ConfirmImpact High).  An id that does
        not exist writes a ProfileCertificationNotFound error.

    .PARAMETER UserId
        The user: an object id, a user principal name, or 'me' (the default).

    .PARAMETER Id
        The certification's id.

    .PARAMETER PassThru
        Writes a GraphProfile.RemovedEntry (UserId, Kind, Id) for each deleted entry.

    .EXAMPLE
        Remove-ProfileCertification -UserId admin@contoso.com -Id $id -Confirm:$false

    .EXAMPLE
        Get-ProfileCertification -UserId $user | Where-Object EndDate -lt (Get-Date) |
            Remove-ProfileCertification -PassThru

        Deletes expired certifications, asking first, and lists what was deleted.
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
        if (-not $PSCmdlet.ShouldProcess("certification '$Id' of user '$UserId'", 'Remove')) {
            return
        }
        $connection = Get-ActiveConnection $PSCmdlet
        [GraphProfile.Operations]::Remove($PSCmdlet, $connection, $script:Certification,
            $UserId, $Id, $PassThru.IsPresent)
    }
}
