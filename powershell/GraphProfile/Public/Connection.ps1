# Sign-in: Connect-GraphProfile, Disconnect-GraphProfile, Get-GraphProfileContext.

function Connect-GraphProfile {
    <#
    .SYNOPSIS
        Signs in to Microsoft Graph for the GraphProfile commands.

    .DESCRIPTION
        Makes the connection every other GraphProfile command uses, until
        Disconnect-GraphProfile or the end of the session.  Four ways to sign in:

        -AccessToken    a token you already have (SecureString).
        -TokenProvider  a script block that returns a token (text or SecureString).  It runs
                        when each command starts, on the PowerShell thread, and again when a
                        long pipeline has used its token for five minutes.
        -ClientSecret   client credentials of an app registration (-ClientId, -TenantId).
        -DeviceCode     delegated sign-in in a browser: shows the code and the URL, and
                        waits until you have signed in.

        -Environment picks the national cloud (Graph and sign-in hosts); -GraphUrl and
        -AuthorityUrl override them, for example for the local emulator.  Tokens are never
        shown, logged or written to the output.

    .PARAMETER AccessToken
        A bearer token for Microsoft Graph, as a SecureString.

    .PARAMETER TokenProvider
        A script block that returns a bearer token (text or SecureString).

    .PARAMETER ClientId
        The application (client) id of the app registration.

    .PARAMETER TenantId
        The directory (tenant) id or domain.  Device code sign-in defaults to
        'organizations'.

    .PARAMETER ClientSecret
        The app's client secret, as a SecureString.

    .PARAMETER DeviceCode
        Sign in interactively with a device code.

    .PARAMETER Scopes
        Delegated permissions to ask for with -DeviceCode; default User.ReadWrite.All.

    .PARAMETER Environment
        The cloud: Global (default), USGov, USGovDoD or China.

    .PARAMETER GraphUrl
        The Graph base URL including /beta, overriding -Environment.

    .PARAMETER AuthorityUrl
        The sign-in host, overriding -Environment.

    .PARAMETER PassThru
        Writes the new connection's context.

    .EXAMPLE
        $token = Read-Host -AsSecureString 'Token'
        Connect-GraphProfile -AccessToken $token

        Uses a token obtained elsewhere.

    .EXAMPLE
        Connect-GraphProfile -TokenProvider {
            (Get-AzAccessToken -ResourceTypeName MSGraph -AsSecureString).Token }

        Asks Az.Accounts for a fresh token as each command starts.

    .EXAMPLE
        Connect-GraphProfile -DeviceCode -ClientId $appId -TenantId contoso.onmicrosoft.com

        Shows a code and a URL; sign in there with an administrator account.

    .EXAMPLE
        Connect-GraphProfile -ClientId $appId -TenantId $tenantId -ClientSecret $secret `
            -Environment USGov

        Client credentials in the US Government cloud.

    .EXAMPLE
        $base = 'http://127.0.0.1:5000'
        $query = 'user=admin@contoso.com&scopes=User.ReadWrite.All'
        $token = (Invoke-RestMethod "$base/emulator/token?$query").access_token
        $secure = ConvertTo-SecureString $token -AsPlainText -Force
        Connect-GraphProfile -AccessToken $secure -GraphUrl "$base/beta" -AuthorityUrl $base

        Connects to the local emulator.
    #>
    [CmdletBinding(DefaultParameterSetName = 'AccessToken')]
    [OutputType('GraphProfile.Context')]
    param(
        [Parameter(Mandatory, ParameterSetName = 'AccessToken')]
        [securestring] $AccessToken,

        [Parameter(Mandatory, ParameterSetName = 'TokenProvider')]
        [scriptblock] $TokenProvider,

        [Parameter(Mandatory, ParameterSetName = 'ClientSecret')]
        [Parameter(Mandatory, ParameterSetName = 'DeviceCode')]
        [string] $ClientId,

        [Parameter(Mandatory, ParameterSetName = 'ClientSecret')]
        [Parameter(ParameterSetName = 'DeviceCode')]
        [string] $TenantId,

        [Parameter(Mandatory, ParameterSetName = 'ClientSecret')]
        [securestring] $ClientSecret,

        [Parameter(Mandatory, ParameterSetName = 'DeviceCode')]
        [switch] $DeviceCode,

        [Parameter(ParameterSetName = 'DeviceCode')]
        [string[]] $Scopes = @('User.ReadWrite.All'),

        [ValidateSet('Global', 'USGov', 'USGovDoD', 'China')]
        [string] $Environment = 'Global',

        [uri] $GraphUrl,

        [uri] $AuthorityUrl,

        [switch] $PassThru
    )

    $cloud = @{ Global = 'global'; USGov = 'usGov'; USGovDoD = 'usGovDoD'; China = 'china' }
    $config = [ordered]@{ cloud = $cloud[$Environment] }
    if ($GraphUrl) { $config.graphUrl = $GraphUrl.AbsoluteUri.TrimEnd('/') }
    if ($AuthorityUrl) { $config.authorityUrl = $AuthorityUrl.AbsoluteUri.TrimEnd('/') }

    $tenant = if ($TenantId) { $TenantId } else { 'organizations' }
    switch ($PSCmdlet.ParameterSetName) {
        'ClientSecret' {
            $secret = [System.Net.NetworkCredential]::new('', $ClientSecret).Password
            $config.auth = [ordered]@{
                type = 'clientCredentials'; tenantId = $tenant; clientId = $ClientId
                clientSecret = $secret
            }
        }
        'DeviceCode' {
            $config.auth = [ordered]@{
                type = 'deviceCode'; tenantId = $tenant; clientId = $ClientId; scopes = $Scopes
            }
        }
        default {
            # Tokens from the host reach the library through its token callback, answered
            # from the token the pipeline thread last set: the config never holds one.
            $config.auth = @{ type = 'callback' }
        }
    }

    $configJson = ConvertTo-Json -InputObject $config -Depth 4 -Compress
    try {
        $native = [GraphProfile.Native.Connection]::Open($configJson)
    }
    catch [System.Management.Automation.MethodInvocationException] {
        # The core refused the configuration (an http:// URL that is not loopback, ...).
        $refusal = $_.Exception.InnerException
        if ($refusal -isnot [GraphProfile.GraphProfileException]) { throw }
        $PSCmdlet.ThrowTerminatingError($refusal.ToErrorRecord('GraphProfile', $null))
    }
    Close-GraphProfileSession
    $script:Session = [pscustomobject]@{
        Native        = $native
        TokenProvider = $TokenProvider
        TokenFetched  = [datetime]::MinValue
        Context       = [pscustomobject]@{
            PSTypeName     = 'GraphProfile.Context'
            Environment    = $Environment
            GraphUrl       = $config['graphUrl']
            AuthorityUrl   = $config['authorityUrl']
            AuthType       = $PSCmdlet.ParameterSetName
            ClientId       = if ($ClientId) { $ClientId } else { $null }
            TenantId       = if ($ClientId) { $tenant } else { $null }
            Scopes         = if ($DeviceCode) { $Scopes } else { $null }
            ConnectedAt    = [datetimeoffset]::Now
            LibraryVersion = [GraphProfile.Native.NativeLibraryLoader]::LibraryVersion
        }
    }
    if ($AccessToken) {
        $native.SetToken((ConvertTo-PlainToken $AccessToken))
    }

    if ($DeviceCode) {
        # Sign in now, while the person is at the keyboard: the first request makes the
        # library show the code (through Write-Host) and wait for the sign-in.
        $call = (Get-ActiveConnection $PSCmdlet -Refresh).List('me', 'certifications', '{"top":1}')
        [GraphProfile.Operations]::Wait($PSCmdlet, $call)
        if ($call.Error) {
            Close-GraphProfileSession
            $PSCmdlet.ThrowTerminatingError($call.Error.ToErrorRecord('GraphProfileSignIn', $null))
        }
    }

    if ($PassThru) {
        $script:Session.Context
    }
}

function Disconnect-GraphProfile {
    <#
    .SYNOPSIS
        Ends the GraphProfile connection and forgets its token.

    .DESCRIPTION
        Frees the connection made by Connect-GraphProfile.  Later GraphProfile commands fail
        with GraphProfileNotConnected until you connect again.  Harmless when not connected.

    .EXAMPLE
        Disconnect-GraphProfile
    #>
    [CmdletBinding()]
    [OutputType([void])]
    param()

    Close-GraphProfileSession
}

function Get-GraphProfileContext {
    <#
    .SYNOPSIS
        Shows how GraphProfile is connected: cloud, URLs, sign-in method, app and tenant.

    .DESCRIPTION
        Writes the current connection's details, never its token or secret.  Writes nothing
        when not connected.

    .EXAMPLE
        Get-GraphProfileContext

        Environment AuthType    GraphUrl
        ----------- --------    --------
        Global      DeviceCode
    #>
    [CmdletBinding()]
    [OutputType('GraphProfile.Context')]
    param()

    if ($script:Session) {
        $script:Session.Context
    }
}
