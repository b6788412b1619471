# Waiting for library calls, writing their messages, and turning answers into objects.

function Complete-NativeCall {
    # Waits for a call on the pipeline thread, writing its log lines and prompts as they
    # come, and returns it finished.  Ctrl+C stops the wait; `finally` cancels the call.
    param(
        [Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [Parameter(Mandatory)] [GraphProfile.Native.NativeCall] $Call
    )

    try {
        while (-not $Call.Wait(100)) {
            Write-NativeMessage $Cmdlet
        }
    }
    finally {
        $Call.Dispose()
        Write-NativeMessage $Cmdlet
    }
    $Call
}

function Write-NativeMessage {
    # Writes the messages library threads left in the queue to their streams.
    param([System.Management.Automation.PSCmdlet] $Cmdlet)

    if ([GraphProfile.Native.MessageQueue]::IsEmpty) {
        return
    }
    while ($null -ne ($message = [GraphProfile.Native.MessageQueue]::Next())) {
        switch ($message.Stream) {
            'Verbose' { $Cmdlet.WriteVerbose($message.Text) }
            'Warning' { $Cmdlet.WriteWarning($message.Text) }
            'Host' {
                # The device code prompt: a person has to read it, even in a job.
                $Cmdlet.WriteInformation(
                    [System.Management.Automation.HostInformationMessage]@{ Message = $message.Text },
                    [string[]]@('PSHOST', 'GraphProfile.DeviceCode'))
            }
        }
    }
}

function Write-NativeError {
    # One ErrorRecord for one failed item; the pipeline goes on with the next.
    param(
        [Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [Parameter(Mandatory)] [GraphProfile.GraphProfileException] $Exception,
        [Parameter(Mandatory)] [string] $Noun,
        $Target
    )

    $Cmdlet.WriteError($Exception.ToErrorRecord($Noun, $Target))
}
