namespace Replica.Core.Progress;

/// <summary>
/// The one progress interface of a run: the terminal, the run log and (later) the server
/// all subscribe to it. Engines report through System.IProgress&lt;T&gt; of their own
/// record types; the platform adapts those to <see cref="ProgressUpdate"/>.
/// </summary>
public interface IRunProgress
{
    void StepStarted(string step);
    void StepFinished(string step, StepOutcome outcome, string? message);
    void Report(ProgressUpdate update);
    void Log(LogLevel level, string message);
}

public enum StepOutcome { Succeeded, Failed, Cancelled, Skipped }

public enum LogLevel { Debug, Info, Warning, Error }

/// <summary>A point-in-time view of a step's progress. Totals are null while unknown.</summary>
public sealed record ProgressUpdate(
    string Step,
    string? Phase = null,
    string? Item = null,
    long BytesDone = 0,
    long? BytesTotal = null,
    long FilesDone = 0,
    long? FilesTotal = null,
    double BytesPerSecond = 0);
