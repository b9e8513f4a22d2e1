using System.Diagnostics;
using Replica.Core.Progress;
using Replica.Core.Runs;

namespace Replica.Core.Workflows;

/// <summary>
/// Passes progress on to the viewer (terminal, server) and stores every log line, step change
/// and progress update as an event of the run, so any client can replay and follow it.
/// </summary>
internal sealed class RecordingProgress(RunStore store, string runId, IRunProgress viewer) : IRunProgress
{
    // Engines report many times a second; stored progress is thinned to this (the viewer gets every update).
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(200);
    private readonly Stopwatch _sinceStored = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private ProgressUpdate? _unstored;

    public void StepStarted(string step)
    {
        Record(() => store.AppendEvent(runId, RunEventKinds.Step, new { step, status = "running", message = (string?)null }));
        viewer.StepStarted(step);
    }

    public void StepFinished(string step, StepOutcome outcome, string? message)
    {
        FlushProgress();
        Record(() => store.AppendEvent(runId, RunEventKinds.Step, new { step, status = outcome.ToString().ToLowerInvariant(), message }));
        viewer.StepFinished(step, outcome, message);
    }

    public void Report(ProgressUpdate update)
    {
        var due = false;
        lock (_gate)
        {
            var last = update.BytesTotal is { } t && update.BytesDone >= t || update.FilesTotal is { } f && update.FilesDone >= f;
            if (last || _sinceStored.Elapsed >= ProgressInterval) { due = true; _unstored = null; _sinceStored.Restart(); }
            else _unstored = update;
        }
        if (due) Record(() => store.AppendProgress(runId, update));
        viewer.Report(update);
    }

    public void Log(LogLevel level, string message)
    {
        FlushProgress();
        store.AppendLogEvent(runId, level.ToString().ToLowerInvariant(), message);
        viewer.Log(level, message);
    }

    /// <summary>The last update of a burst is stored before what follows it, so the stored latest progress is the real latest.</summary>
    private void FlushProgress()
    {
        ProgressUpdate? pending;
        lock (_gate) { pending = _unstored; _unstored = null; }
        if (pending is not null) Record(() => store.AppendProgress(runId, pending));
    }

    /// <summary>A full state folder must not fail the step that reported; the log line that follows reports it.</summary>
    private static void Record(Action write)
    {
        try { write(); }
        catch (StateFolderException) { }
    }
}
