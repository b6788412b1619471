# The four operations every facet command shares: list or read, create, update, delete.
# Each writes typed objects or one ErrorRecord per failed item.

function ConvertTo-ProfileBody {
    # A draft or patch from a command's bound parameters: each parameter named in $Fields
    # becomes its Graph field (DisplayName -> displayName).  Empty text means "not given"
    # (an empty CSV cell); several audiences are joined with commas, as Graph writes flags.
    # $Clear names fields a patch sets to null.
    param(
        [Parameter(Mandatory)] [System.Collections.IDictionary] $Bound,
        [Parameter(Mandatory)] [string[]] $Fields,
        [string[]] $Clear
    )

    $body = [ordered]@{}
    foreach ($name in $Fields) {
        if (-not $Bound.ContainsKey($name)) {
            continue
        }
        $value = $Bound[$name]
        if ($value -is [array]) {
            $value = @(foreach ($item in $value) { if ("$item" -ne '') { "$item".Trim() } }) -join ','
        }
        if ($null -eq $value -or ($value -is [string] -and $value -eq '')) {
            continue
        }
        $body[[GraphProfile.EntryConverter]::FieldName($name)] = $value
    }
    foreach ($name in $Clear) {
        $body[[GraphProfile.EntryConverter]::FieldName($name)] = $null
    }
    $body
}

function Get-FacetEntry {
    # Lists a facet (every page, or -Top) or reads one entry by id, as typed objects.
    param(
        [Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [Parameter(Mandatory)] [GraphProfile.Native.Connection] $Connection,
        [Parameter(Mandatory)] [string] $Kind,
        [Parameter(Mandatory)] [string] $Noun,
        [Parameter(Mandatory)] [string[]] $TypeNames,
        [string[]] $DateFields,
        [Parameter(Mandatory)] [string] $UserId,
        [string] $Id,
        [int] $Top,
        [string] $Filter,
        [string[]] $Property
    )

    $select = @(foreach ($name in $Property) { [GraphProfile.EntryConverter]::FieldName($name) })
    $notes = Get-EntryNote -Kind $Kind -UserId $UserId -Noun $Noun
    if ($Id) {
        $selectJson = if ($select) { ConvertTo-Json -InputObject $select -Compress } else { $null }
        $call = Complete-NativeCall $Cmdlet $Connection.Get($UserId, $Kind, $Id, $selectJson)
        $target = [pscustomobject]@{ UserId = $UserId; Id = $Id }
    }
    else {
        $query = [ordered]@{}
        if ($select) { $query.select = $select }
        if ($Filter) { $query.filter = $Filter }
        if ($Top -gt 0) { $query.top = $Top }
        $queryJson = if ($query.Count) { ConvertTo-Json -InputObject $query -Compress } else { $null }
        $call = Complete-NativeCall $Cmdlet $Connection.List($UserId, $Kind, $queryJson)
        $target = [pscustomobject]@{ UserId = $UserId; Filter = $Filter }
    }

    if ($call.Error) {
        Write-NativeError $Cmdlet $call.Error $Noun $target
        return
    }
    $entries = [GraphProfile.EntryConverter]::ToEntries($call.Output, $TypeNames, $DateFields, $notes)
    if ($Top -gt 0 -and $entries.Count -gt $Top) {
        # The core follows every page; -Top is "at most this many".
        $entries = $entries[0..($Top - 1)]
    }
    $entries
}

function Get-EntryNote {
    # The properties the module adds to each entry so it can be piped on: the user (named
    # like -UserId) and, for the generic commands, the facet (named like -Kind).
    param([string] $Kind, [string] $UserId, [string] $Noun)

    $notes = [ordered]@{ UserId = $UserId }
    if ($Noun -eq 'ProfileFacet') {
        $notes.Kind = $Kind
    }
    $notes
}

function New-FacetEntry {
    # Creates one entry from a draft (a dictionary or an object) and writes it out.
    param(
        [Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [Parameter(Mandatory)] [GraphProfile.Native.Connection] $Connection,
        [Parameter(Mandatory)] [string] $Kind,
        [Parameter(Mandatory)] [string] $Noun,
        [Parameter(Mandatory)] [string[]] $TypeNames,
        [string[]] $DateFields,
        [Parameter(Mandatory)] [string] $UserId,
        [Parameter(Mandatory)] $Draft,
        [string[]] $Skip,
        $Target
    )

    $json = [GraphProfile.EntryConverter]::ToJson($Draft, $Skip)
    $call = Complete-NativeCall $Cmdlet $Connection.Create($UserId, $Kind, $json)
    if ($call.Error) {
        Write-NativeError $Cmdlet $call.Error $Noun $Target
        return
    }
    $notes = Get-EntryNote -Kind $Kind -UserId $UserId -Noun $Noun
    [GraphProfile.EntryConverter]::ToEntries($call.Output, $TypeNames, $DateFields, $notes)
}

function Update-FacetEntry {
    # Applies one patch (a dictionary or an object) and writes the entry as it now is.
    param(
        [Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [Parameter(Mandatory)] [GraphProfile.Native.Connection] $Connection,
        [Parameter(Mandatory)] [string] $Kind,
        [Parameter(Mandatory)] [string] $Noun,
        [Parameter(Mandatory)] [string[]] $TypeNames,
        [string[]] $DateFields,
        [Parameter(Mandatory)] [string] $UserId,
        [Parameter(Mandatory)] [string] $Id,
        [Parameter(Mandatory)] $Patch,
        [string[]] $Skip,
        $Target
    )

    $json = [GraphProfile.EntryConverter]::ToJson($Patch, $Skip)
    $call = Complete-NativeCall $Cmdlet $Connection.Update($UserId, $Kind, $Id, $json)
    if ($call.Error) {
        Write-NativeError $Cmdlet $call.Error $Noun $Target
        return
    }
    $notes = Get-EntryNote -Kind $Kind -UserId $UserId -Noun $Noun
    [GraphProfile.EntryConverter]::ToEntries($call.Output, $TypeNames, $DateFields, $notes)
}

function Remove-FacetEntry {
    # Deletes one entry; with -PassThru writes what was removed.
    param(
        [Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [Parameter(Mandatory)] [GraphProfile.Native.Connection] $Connection,
        [Parameter(Mandatory)] [string] $Kind,
        [Parameter(Mandatory)] [string] $Noun,
        [Parameter(Mandatory)] [string] $UserId,
        [Parameter(Mandatory)] [string] $Id,
        [switch] $PassThru
    )

    $target = [pscustomobject]@{ UserId = $UserId; Kind = $Kind; Id = $Id }
    $call = Complete-NativeCall $Cmdlet $Connection.Delete($UserId, $Kind, $Id)
    if ($call.Error) {
        Write-NativeError $Cmdlet $call.Error $Noun $target
        return
    }
    if ($PassThru) {
        $target.PSObject.TypeNames.Insert(0, 'GraphProfile.RemovedEntry')
        $target
    }
}
