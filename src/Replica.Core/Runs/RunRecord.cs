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
    string? Message);

public sealed record StepRecord(string RunId, int Seq, string Name, DateTimeOffset Started, DateTimeOffset? Ended, string Outcome, string? Message);

public sealed record LogLine(DateTimeOffset At, string Level, string Message);

/// <summary>What the last successful workflow left on a target, for status.</summary>
public sealed record TargetRecord(string Target, string State, string? ImageTag, string? BackupName, DateTimeOffset? BackupTime, string? LastRun, DateTimeOffset Updated);
