using System.Runtime.InteropServices;

namespace Replica.Cli.Commands;

/// <summary>
/// Ctrl-C (or SIGTERM) cancels the run cleanly: the workflow stops what it started and
/// records the run as cancelled. A second Ctrl-C ends the process at once.
/// </summary>
public sealed class Cancellation : IDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly PosixSignalRegistration _int;
    private readonly PosixSignalRegistration _term;

    private Cancellation(CancellationToken outer)
    {
        _cts = CancellationTokenSource.CreateLinkedTokenSource(outer);
        _int = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        _term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    public static Cancellation FromConsole(CancellationToken outer) => new(outer);

    public CancellationToken Token => _cts.Token;

    private void OnSignal(PosixSignalContext context)
    {
        if (_cts.IsCancellationRequested) return; // the second signal: default handling ends the process
        context.Cancel = true;
        Console.Error.WriteLine("\nreplica: cancelling the run (Ctrl-C again to abort at once)…");
        _cts.Cancel();
    }

    public void Dispose()
    {
        _int.Dispose();
        _term.Dispose();
        _cts.Dispose();
    }
}
