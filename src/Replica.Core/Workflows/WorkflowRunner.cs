using System.Diagnostics;
using Replica.Core.Config;
using Replica.Core.Progress;
using Replica.Core.Runs;

namespace Replica.Core.Workflows;

/// <summary>
/// Executes a workflow's steps in order as one run: takes the target's lock, records each
/// step, reports progress, and ends the run as succeeded, failed or cancelled.
/// </summary>
public sealed class WorkflowRunner(RunStore store, IRunProgress viewer)
{
    public async Task<RunResult> RunAsync(
        ReplicaConfig config, TargetConfig target, string workflow,
        IReadOnlyDictionary<string, string?> parameters,
        Func<RunContext, RunResult, IReadOnlyList<Step>> buildSteps,
        Func<RunContext, RunResult, Task>? onCancelled,
        CancellationToken cancellation)
    {
        var run = store.BeginRun(target.Name, workflow, parameters);
        var progress = new RecordingProgress(store, run.Id, viewer);
        var ctx = new RunContext(config, target, run.Id, progress, cancellation);
        var result = new RunResult { RunId = run.Id, Target = target.Name, Workflow = workflow };
        progress.Log(LogLevel.Info, $"run {run.Id}: {workflow} {target.Name} ({string.Join(", ", parameters.Where(p => p.Value is not null).Select(p => $"{p.Key}={p.Value}"))})");
        try
        {
            foreach (var step in buildSteps(ctx, result))
            {
                cancellation.ThrowIfCancellationRequested();
                ctx.CurrentStep = step.Name;
                var seq = store.BeginStep(run.Id, step.Name);
                progress.StepStarted(step.Name);
                var clock = Stopwatch.StartNew();
                try
                {
                    await step.Execute(ctx);
                }
                catch (Exception e)
                {
                    var cancelled = e is OperationCanceledException && cancellation.IsCancellationRequested;
                    var outcome = cancelled ? StepOutcome.Cancelled : StepOutcome.Failed;
                    var text = cancelled ? "cancelled" : e.Message;
                    store.EndStep(run.Id, seq, outcome.ToString().ToLowerInvariant(), text);
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
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            result.Status = RunStatus.Cancelled;
            result.Message = "cancelled by the user";
            progress.Log(LogLevel.Warning, $"run {run.Id} cancelled; cleaning up");
            if (onCancelled is not null)
            {
                // Cleanup must finish even though the run's token is cancelled.
                var cleanup = new RunContext(config, target, run.Id, progress, CancellationToken.None);
                try { await onCancelled(cleanup, result); }
                catch (Exception e) { progress.Log(LogLevel.Error, $"cleanup after cancel failed: {e.Message}"); }
            }
        }
        catch (Exception e)
        {
            result.Status = RunStatus.Failed;
            result.Message = e.Message;
            progress.Log(LogLevel.Error, $"run {run.Id} failed: {e.Message}");
            if (e is not RefusedException && e is not ReplicaStepException)
                progress.Log(LogLevel.Debug, e.ToString());
        }
        finally
        {
            store.EndRun(run.Id, result.Status, result.Message);
        }
        return result;
    }
}

/// <summary>An expected failure of a step (a restore error, a stack that never got ready); its message is the whole story.</summary>
public class ReplicaStepException(string message, Exception? inner = null) : Exception(message, inner);
