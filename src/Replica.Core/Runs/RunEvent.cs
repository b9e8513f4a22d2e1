namespace Replica.Core.Runs;

/// <summary>
/// One stored event of a run: a log line, a step change, a progress update or the run's end.
/// <paramref name="Seq"/> increases across all runs; a client resumes after the last one it saw.
/// <paramref name="Data"/> is the event's JSON object (snake_case), as the server sends it.
/// </summary>
public sealed record RunEvent(long Seq, string RunId, DateTimeOffset At, string Kind, string Data);

public static class RunEventKinds
{
    public const string Log = "log";
    public const string Step = "step";
    public const string Progress = "progress";
    public const string End = "end";
}

/// <summary>A run's latest progress: the step, bytes and files done and total, the rate.</summary>
public sealed record RunProgress(
    string RunId, DateTimeOffset At, string Step, string? Phase, string? Item,
    long BytesDone, long? BytesTotal, long FilesDone, long? FilesTotal, double BytesPerSecond);
