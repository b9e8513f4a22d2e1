using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Replica.Core.Progress;
using Replica.Core.Runs;
using Replica.Core.Workflows;

namespace Replica.Core.Launch;

/// <summary>
/// Launches workflows for a front end that does not wait for them (the server): the handle
/// comes back as soon as the run exists and holds the target's lock; refusals (bad parameters,
/// guards, a busy target naming its run) are thrown before any run exists. Runs launched by
/// another process (the CLI) are cancelled with SIGINT, exactly as Ctrl-C would.
/// </summary>
public sealed class RunLauncher(TargetWorkflows workflows, RunStore store)
{
    private readonly ConcurrentDictionary<string, RunHandle> _running = new();

    public async Task<RunHandle> LaunchAsync(LaunchRequest request, string launchedBy, IRunProgress? viewer = null)
    {
        request.Validate();
        var cancellation = new CancellationTokenSource();
        var begun = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var observer = new BeginObserver(begun, viewer ?? SilentProgress.Instance);
        // BeginRun may wait (a repair holds the lock for a moment) with a blocking sleep: off the caller's thread.
        var completion = Task.Run(() => RunAsync(request, observer, cancellation.Token, launchedBy));
        await Task.WhenAny(begun.Task, completion);
        if (!begun.Task.IsCompleted)
        {
            await completion; // a refusal: rethrown as it is
            throw new InvalidOperationException($"{request.Kind.ToName()} {request.Target} ended without beginning a run.");
        }
        var handle = new RunHandle(begun.Task.Result, request, completion, cancellation);
        _running[handle.RunId] = handle;
        _ = completion.ContinueWith(_ => { _running.TryRemove(handle.RunId, out var _); cancellation.Dispose(); }, TaskScheduler.Default);
        return handle;
    }

    /// <summary>The handle of a run launched by this process and still running.</summary>
    public RunHandle? Running(string runId) => _running.GetValueOrDefault(runId);

    /// <summary>Asks a running run to cancel, wherever it runs on this host.</summary>
    /// <returns>false when the run is not running (ended, or running on another host).</returns>
    public bool Cancel(string runId)
    {
        if (_running.TryGetValue(runId, out var handle)) { handle.Cancel(); return true; }
        if (store.RunProcess(runId) is not { IsAlive: true } process) return false;
        return Kill(process.Pid, Sigint) == 0;
    }

    /// <summary>When the server stops: every run it launched is cancelled (undoing what it made) and awaited.</summary>
    public async Task CancelAllAsync()
    {
        var handles = _running.Values.ToList();
        foreach (var h in handles) h.Cancel();
        foreach (var h in handles)
        {
            try { await h.Completion; }
            catch (Exception) { /* its outcome is recorded in the run store */ }
        }
    }

    private const int Sigint = 2;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private Task<RunResult> RunAsync(LaunchRequest r, IRunProgress progress, CancellationToken ct, string launchedBy) => r.Kind switch
    {
        WorkflowKind.Start or WorkflowKind.StartDbOnly => workflows.StartAsync(r.ToStartRequest(), progress, ct, launchedBy),
        WorkflowKind.Stop => workflows.StopAsync(r.Target, r.RemoveMedia, progress, ct, launchedBy),
        WorkflowKind.Wipe => workflows.WipeAsync(r.Target, progress, ct, launchedBy),
        WorkflowKind.Upgrade => workflows.UpgradeAsync(r.Target, r.ImageTag!, progress, ct, launchedBy),
        _ => throw new ArgumentOutOfRangeException(nameof(r)),
    };

    private sealed class BeginObserver(TaskCompletionSource<string> begun, IRunProgress viewer) : IRunProgress, IRunObserver
    {
        public void RunBegun(string runId) => begun.TrySetResult(runId);
        public void StepStarted(string step) => viewer.StepStarted(step);
        public void StepFinished(string step, StepOutcome outcome, string? message) => viewer.StepFinished(step, outcome, message);
        public void Report(ProgressUpdate update) => viewer.Report(update);
        public void Log(LogLevel level, string message) => viewer.Log(level, message);
    }
}

/// <summary>A viewer that shows nothing (the run's events are stored anyway).</summary>
public sealed class SilentProgress : IRunProgress
{
    public static readonly SilentProgress Instance = new();
    public void StepStarted(string step) { }
    public void StepFinished(string step, StepOutcome outcome, string? message) { }
    public void Report(ProgressUpdate update) { }
    public void Log(LogLevel level, string message) { }
}
