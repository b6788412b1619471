# The connection this session uses, and the one way commands reach it.

# Set by Connect-GraphProfile: the native connection, what Get-GraphProfileContext shows,
# and the token provider with the time it last answered.
$script:Session = $null

# How long a token from -TokenProvider is reused inside one command (long pipelines).
$script:ProviderTokenLifetime = [timespan]::FromMinutes(5)

function Close-GraphProfileSession {
    # Frees the native client, if any.
    if ($script:Session) {
        $script:Session.Native.Dispose()
        $script:Session = $null
    }
}

function Get-ActiveConnection {
    # The session's native connection, ready for a request.  With -Refresh (as a command
    # starts) the library's log level follows the caller's -Verbose and a token provider is
    # asked for a token; without, the provider is asked only when its token is old.  Throws
    # GraphProfileNotConnected when not connected.  A plain function: it runs per item.
    param([System.Management.Automation.PSCmdlet] $Cmdlet, [switch] $Refresh)

    $session = $script:Session
    if (-not $session) {
        $exception = [GraphProfile.GraphProfileException]::new(
            'GP_ERR_NOT_CONNECTED', 'Not connected: run Connect-GraphProfile first.')
        $record = [System.Management.Automation.ErrorRecord]::new(
            $exception, 'GraphProfileNotConnected',
            [System.Management.Automation.ErrorCategory]::ConnectionError, $null)
        $Cmdlet.ThrowTerminatingError($record)
    }

    if ($Refresh) {
        [GraphProfile.Native.MessageQueue]::SetVerbose($VerbosePreference -ne 'SilentlyContinue')
    }
    $stale = ([datetime]::UtcNow - $session.TokenFetched) -gt $script:ProviderTokenLifetime
    if ($session.TokenProvider -and ($Refresh -or $stale)) {
        # The provider runs here, on the pipeline thread, never on a library thread.
        try {
            $token = ConvertTo-PlainToken (& $session.TokenProvider)
        }
        catch {
            $record = [System.Management.Automation.ErrorRecord]::new(
                $_.Exception, 'GraphProfileTokenProvider',
                [System.Management.Automation.ErrorCategory]::AuthenticationError, $null)
            $record.ErrorDetails = "The token provider failed: $($_.Exception.Message)"
            $Cmdlet.ThrowTerminatingError($record)
        }
        $session.Native.SetToken($token)
        $session.TokenFetched = [datetime]::UtcNow
    }
    $session.Native
}

function ConvertTo-PlainToken {
    # A token from a SecureString or text; the last output wins when a provider says more.
    param($Token)

    $value = @($Token)[-1]
    if ($value -is [securestring]) {
        return [System.Net.NetworkCredential]::new('', $value).Password
    }
    [string]$value
}
