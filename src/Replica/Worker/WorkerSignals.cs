using System.Runtime.InteropServices;

namespace Replica.Cli.Worker;

/// <summary>
/// SIGTERM (what a Job's pod gets when it is deleted) and SIGINT (Ctrl-C) cancel the worker's
/// engine instead of ending the process, so the worker says in one line what it leaves behind
/// and exits 1. A second signal ends the process at once.
/// </summary>
public sealed class WorkerSignals : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly PosixSignalRegistration _int;
    private readonly PosixSignalRegistration _term;

    public WorkerSignals()
    {
        _int = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        _term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    public CancellationToken Token => _cts.Token;

    /// <summary>The signal that stopped the worker, for its last message ("SIGTERM"); null while none came.</summary>
    public string? Received { get; private set; }

    private void OnSignal(PosixSignalContext context)
    {
        if (_cts.IsCancellationRequested) return; // the second signal: default handling ends the process
        context.Cancel = true;
        Received = context.Signal == PosixSignal.SIGTERM ? "SIGTERM" : "SIGINT";
        _cts.Cancel();
        // A pod's grace period is short: should the engine not come back in time (a connection attempt that
        // does not honour cancellation), the worker still ends with its own exit code rather than a SIGKILL.
        _ = Task.Delay(StopDeadline).ContinueWith(_ =>
        {
            Console.Error.WriteLine($"replica worker: stopped by {Received}; the engine did not stop within {StopDeadline.TotalSeconds:0} s.");
            Environment.Exit(1);
        }, TaskScheduler.Default);
    }

    private static readonly TimeSpan StopDeadline = TimeSpan.FromSeconds(2);

    public void Dispose()
    {
        _int.Dispose();
        _term.Dispose();
        _cts.Dispose();
    }
}
