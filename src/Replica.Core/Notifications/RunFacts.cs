using System.Globalization;
using System.Text.RegularExpressions;
using Replica.Core.Runs;

namespace Replica.Core.Notifications;

/// <summary>
/// What a message about a run says, read back from the run store — so a run launched by the
/// CLI, the page or a schedule is described alike: who launched it, the backup and its age, the
/// tag, each step's duration, and for a failure the failing step and its sentence.
/// </summary>
public sealed record RunFacts(
    RunRecord Run,
    IReadOnlyList<StepRecord> Steps,
    string? BackupName,
    DateTimeOffset? BackupTime,
    string? ImageTag)
{
    public StepRecord? FailingStep => Steps.LastOrDefault(s => s.Outcome is RunStatus.Failed);

    /// <summary>How old the backup was when the run started.</summary>
    public TimeSpan? BackupAge => BackupTime is { } t ? Run.Started - t : null;

    public TimeSpan? Duration => Run.Ended is { } e ? e - Run.Started : null;

    // The start workflow logs what it chose before its first step ("backup NAME (…), taken …", "image tag T (…)").
    private static readonly Regex BackupLine = new(@"^backup (\S+) \(.*taken (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)Z$", RegexOptions.CultureInvariant);
    private static readonly Regex TagLine = new(@"^image tag (\S+) \(", RegexOptions.CultureInvariant);

    public static RunFacts Read(RunStore store, RunRecord run)
    {
        string? backup = null, tag = null;
        DateTimeOffset? backupTime = null;
        foreach (var line in store.Log(run.Id))
        {
            if (backup is null && BackupLine.Match(line.Message) is { Success: true } b)
            {
                backup = b.Groups[1].Value;
                backupTime = DateTimeOffset.ParseExact(b.Groups[2].Value, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            }
            else if (tag is null && TagLine.Match(line.Message) is { Success: true } t) tag = t.Groups[1].Value;
            if (backup is not null && tag is not null) break;
        }
        // What the target record says, when this run is what made it so (the run's own log said nothing usable).
        if (store.FindTarget(run.Target) is { } record && (record.RestoredBy == run.Id || record.LastRun == run.Id))
        {
            if (backup is null && record.RestoredBy == run.Id) (backup, backupTime) = (record.BackupName, record.BackupTime);
            tag ??= record.ImageTag;
        }
        if (tag is null && run.Parameters.TryGetValue("image_tag", out var given)) tag = given;
        return new RunFacts(run, store.Steps(run.Id), backup, backupTime, tag);
    }
}
