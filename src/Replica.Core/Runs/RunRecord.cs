namespace Replica.Core.Runs;

public static class RunStatus
{
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
}

public sealed record RunRecord(
    string Id,
    string Target,
    string Workflow,
    string Status,
    DateTimeOffset Started,
    DateTimeOffset? Ended,
    IReadOnlyDictionary<string, string?> Parameters,
    string? Message,
    string? LaunchedBy = null);

public sealed record StepRecord(string RunId, int Seq, string Name, DateTimeOffset Started, DateTimeOffset? Ended, string Outcome, string? Message);

/// <param name="Seq">the line's place in the store, increasing across all runs (what a client resumes after).</param>
public sealed record LogLine(DateTimeOffset At, string Level, string Message, long Seq = 0);

/// <summary>
/// What a target holds, as the last finished change left it: the database instance the stack
/// serves from (<see cref="Database"/>, named by the run that created it), the backup restored
/// into it and by which run, the tag the stack runs. Written before and after each change, so an
/// interrupted run can be finished or undone by the next command.
/// </summary>
public sealed record TargetRecord(
    string Target,
    string State,
    string? ImageTag,
    string? BackupName,
    DateTimeOffset? BackupTime,
    string? LastRun,
    DateTimeOffset Updated,
    string? Database = null,
    string? RestoredBy = null);

public static class TargetStates
{
    public const string Running = "running";
    public const string Stopped = "stopped";
    public const string Failed = "failed";
}

/// <summary>A backup whose restore failed because of the file itself; passed over by LATEST until the file changes.</summary>
public sealed record DamagedBackup(string Name, long SizeBytes, DateTimeOffset Modified, string RunId, string Message, DateTimeOffset Found);
