namespace Replica.Cli.Commands;

/// <summary>Ctrl-C cancels the run cleanly; a second Ctrl-C ends the process at once.</summary>
public static class Cancellation
{
    public static CancellationTokenSource FromConsole(CancellationToken outer)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(outer);
        Console.CancelKeyPress += (_, e) =>
        {
            if (cts.IsCancellationRequested) return; // second Ctrl-C: let the runtime end the process
            e.Cancel = true;
            Console.Error.WriteLine("replica: cancelling (Ctrl-C again to abort at once)…");
            cts.Cancel();
        };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cts.Cancel();
        return cts;
    }
}
