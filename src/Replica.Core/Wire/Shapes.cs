using Replica.Core.Backups;
using Replica.Core.Runs;
using Replica.Core.Status;

namespace Replica.Core.Wire;

// The JSON objects `replica status|runs|backups --json` print and the REST API returns: one
// definition, so the two never drift. Names become snake_case through WireJson.

public sealed record RunJson(string Id, string Target, string Workflow, string Status, DateTimeOffset Started, DateTimeOffset? Ended,
    IReadOnlyDictionary<string, string?> Parameters, string? Message, string? LaunchedBy)
{
    public static RunJson From(RunRecord r) => new(r.Id, r.Target, r.Workflow, r.Status, r.Started, r.Ended,
        r.Parameters.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value), r.Message, r.LaunchedBy);
}

public sealed record StepJson(int Seq, string Name, DateTimeOffset Started, DateTimeOffset? Ended, string Outcome, string? Message, double? Seconds)
{
    public static StepJson From(StepRecord s) => new(s.Seq, s.Name, s.Started, s.Ended, s.Outcome, s.Message,
        s.Ended is { } e ? Math.Round((e - s.Started).TotalSeconds, 3) : null);
}

public sealed record ProgressJson(string Step, string? Phase, string? Item, long BytesDone, long? BytesTotal, long FilesDone, long? FilesTotal,
    double BytesPerSecond, DateTimeOffset At)
{
    public static ProgressJson From(RunProgress p) => new(p.Step, p.Phase, p.Item, p.BytesDone, p.BytesTotal, p.FilesDone, p.FilesTotal,
        Math.Round(p.BytesPerSecond), p.At);
}

public sealed record BackupRefJson(string Name, DateTimeOffset? Time);
public sealed record DatabaseJson(string Host, int Port, string Name, string User, string Url);
public sealed record MediaJson(string Path);
public sealed record StackJson(string Url);

public sealed record TargetJson(string Target, string Platform, string State, string? ImageTag, BackupRefJson? Backup, DatabaseJson? Database,
    MediaJson? Media, StackJson? Stack, RunJson? LastRun, DateTimeOffset? Expires = null)
{
    /// <param name="withPassword">the database URL with its password (only for callers allowed to operate the target).</param>
    public static TargetJson From(TargetStatus s, bool withPassword) => new(s.Target, s.Platform, s.State, s.ImageTag,
        s.Backup is { } b ? new BackupRefJson(b.Name, b.Time) : null,
        s.Database is { } d ? new DatabaseJson(d.Host, d.Port, d.Database, d.User, withPassword ? d.Url : d.RedactedUrl) : null,
        s.MediaPath is { } m ? new MediaJson(m) : null,
        s.Stack is { } st ? new StackJson(st.Url) : null,
        s.LastRun is { } r ? RunJson.From(r) : null,
        s.Expires);
}

public sealed record DamagedJson(string Run, string Message, DateTimeOffset Found);

public sealed record BackupJson(string Name, string Path, string Kind, IReadOnlyList<string> Kinds, DateTimeOffset Time, long SizeBytes,
    string Flavour, DamagedJson? Damaged)
{
    public static BackupJson From(BackupEntry b) => new(b.Name, b.Path, b.Kind, b.Kinds, b.Time, b.SizeBytes, b.Flavour,
        b.Damaged is { } d ? new DamagedJson(d.RunId, d.Message, d.Found) : null);
}
