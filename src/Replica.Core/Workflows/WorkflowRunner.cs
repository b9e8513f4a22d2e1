using System.Diagnostics;
using Replica.Core.Config;
using Replica.Core.Progress;
using Replica.Core.Runs;

namespace Replica.Core.Workflows;

/// <summary>
/// Executes a workflow's steps in order as one run: takes the target's lock, records each
/// step, reports progress, and ends the run as succeeded, failed or cancelled. When a step
/// fails or the run is cancelled, the workflow's undo runs (to completion, whatever the
/// cancellation) before the run is recorded as ended.
/// </summary>
public sealed class WorkflowRunner(RunStore store, IRunProgress viewer)
{
    /// <param name="prepare">runs first, inside the run and its lock, before any step (e.g. repairing what an interrupted run left).</param>
    /// <param name="undo">after a failure or a cancellation: puts back what the run changed; its context is never cancelled.</param>
    public async Task<RunResult> RunAsync(
        ReplicaConfig config, TargetConfig target, string workflow,
        IReadOnlyDictionary<string, string?> parameters,
        Func<RunContext, RunResult, Task<IReadOnlyList<Step>>> buildSteps,
        Func<RunContext, RunResult, Task>? undo,
        CancellationToken cancellation,
        string? launchedBy = null)
    {
        var run = store.BeginRun(target.Name, workflow, parameters, launchedBy);
        var progress = new RecordingProgress(store, run.Id, viewer);
        if (viewer is IRunObserver observer) observer.RunBegun(run.Id);
        var ctx = new RunContext(config, target, run.Id, progress, cancellation);
        var result = new RunResult { RunId = run.Id, Target = target.Name, Workflow = workflow };
        try
        {
            progress.Log(LogLevel.Info, $"run {run.Id}: {workflow} {target.Name} ({string.Join(", ", parameters.Where(p => p.Value is not null).Select(p => $"{p.Key}={p.Value}"))})");
            foreach (var step in await buildSteps(ctx, result))
            {
                cancellation.ThrowIfCancellationRequested();
                ctx.CurrentStep = step.Name;
                var seq = store.BeginStep(run.Id, step.Name);
                progress.StepStarted(step.Name);
                var clock = Stopwatch.StartNew();
                try
                {
                    await FaultPoint.ReachedAsync(step.Name, "begin", cancellation);
                    await step.Execute(ctx);
                    await FaultPoint.ReachedAsync(step.Name, "end", cancellation);
                }
                catch (Exception e)
                {
                    var cancelled = e is OperationCanceledException && cancellation.IsCancellationRequested;
                    var outcome = cancelled ? StepOutcome.Cancelled : StepOutcome.Failed;
                    var text = cancelled ? "cancelled" : e.Message;
                    TryRecord(() => store.EndStep(run.Id, seq, outcome.ToString().ToLowerInvariant(), text));
                    progress.StepFinished(step.Name, outcome, text);
                    result.Steps.Add((step.Name, outcome.ToString().ToLowerInvariant(), clock.Elapsed));
                    throw;
                }
                store.EndStep(run.Id, seq, "succeeded", null);
                progress.StepFinished(step.Name, StepOutcome.Succeeded, null);
                result.Steps.Add((step.Name, "succeeded", clock.Elapsed));
            }
            result.Status = RunStatus.Succeeded;
            progress.Log(LogLevel.Info, $"run {run.Id} succeeded");
        }
        catch (Exception e)
        {
            var cancelled = e is OperationCanceledException && cancellation.IsCancellationRequested;
            result.Status = cancelled ? RunStatus.Cancelled : RunStatus.Failed;
            result.Message = cancelled ? "cancelled by the user" : e.Message;
            result.Refused = !cancelled && e is RefusedException;
            result.DamagedBackup = !cancelled && e is ReplicaStepException { BackupDamaged: true };
            TryRecord(() => progress.Log(cancelled ? LogLevel.Warning : LogLevel.Error,
                cancelled ? $"run {run.Id} cancelled; undoing what it changed" : $"run {run.Id} failed: {e.Message}"));
            if (!cancelled && e is not RefusedException && e is not ReplicaStepException && e is not StateFolderException)
                TryRecord(() => progress.Log(LogLevel.Debug, e.ToString()));
            if (undo is not null)
            {
                // The undo must finish even though the run's token is cancelled.
                var cleanup = new RunContext(config, target, run.Id, progress, CancellationToken.None) { CurrentStep = ctx.CurrentStep };
                try { await undo(cleanup, result); }
                catch (Exception u) { TryRecord(() => progress.Log(LogLevel.Error, $"undoing the run's changes failed: {u.Message}; the next replica command repairs what is left")); }
            }
            if (result.Kept is { } kept) TryRecord(() => progress.Log(LogLevel.Info, kept));
        }
        finally
        {
            var message = result.Kept is null ? result.Message : $"{result.Message} — {result.Kept}";
            TryRecord(() => store.EndRun(run.Id, result.Status, message));
            // After the run is recorded as ended: a follower that sees this event finds the run finished.
            TryRecord(() => store.AppendEvent(run.Id, RunEventKinds.End, new { status = result.Status, message }));
        }
        return result;
    }

    /// <summary>A full state folder must not hide the run's own outcome; the next command repairs the record.</summary>
    private static void TryRecord(Action record)
    {
        try { record(); }
        catch (StateFolderException) { }
    }
}

/// <summary>An expected failure of a step (a restore error, a stack that never got ready); its message is the whole story.</summary>
public class ReplicaStepException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The backup file itself is damaged (cut off, corrupt, a statement that cannot run): LATEST passes over it from now on.</summary>
    public bool BackupDamaged { get; init; }
}
