using Replica.Core.Progress;
using Replica.Core.Runs;

namespace Replica.Core.Workflows;

/// <summary>Passes progress on to the viewer (terminal, server) and writes log lines to the run store.</summary>
internal sealed class RecordingProgress(RunStore store, string runId, IRunProgress viewer) : IRunProgress
{
    public void StepStarted(string step) => viewer.StepStarted(step);
    public void StepFinished(string step, StepOutcome outcome, string? message) => viewer.StepFinished(step, outcome, message);
    public void Report(ProgressUpdate update) => viewer.Report(update);

    public void Log(LogLevel level, string message)
    {
        store.AppendLog(runId, level.ToString().ToLowerInvariant(), message);
        viewer.Log(level, message);
    }
}
