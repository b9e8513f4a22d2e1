namespace Replica.Core.Runs;

/// <summary>A schedule's fire as recorded: the cron time it was for, when it happened, and what came of it.</summary>
/// <param name="Outcome">launched, skipped (the target was busy: <paramref name="RunId"/> names the holder), refused, failed or missed.</param>
public sealed record ScheduleFire(string Schedule, DateTimeOffset FireTime, DateTimeOffset At, string Outcome, string? RunId, string? Message);

public static class FireOutcomes
{
    public const string Launched = "launched";
    public const string Skipped = "skipped";
    public const string Refused = "refused";
    public const string Failed = "failed";
    public const string Missed = "missed";
}

public sealed partial class RunStore
{
    public void RecordFire(ScheduleFire f) => Write(c => Execute(c,
        "INSERT INTO schedule_fires (schedule, fire_time, at, outcome, run_id, message) VALUES ($s, $f, $a, $o, $r, $m)",
        ("$s", f.Schedule), ("$f", Time(f.FireTime)), ("$a", Time(f.At)), ("$o", f.Outcome), ("$r", f.RunId), ("$m", f.Message)));

    /// <summary>The schedule's newest fire, null when it never fired.</summary>
    public ScheduleFire? LastFire(string schedule) => Fires(schedule, 1).FirstOrDefault();

    /// <summary>The schedule's fires, newest first.</summary>
    public IReadOnlyList<ScheduleFire> Fires(string schedule, int limit = 100) =>
        Query("SELECT schedule, fire_time, at, outcome, run_id, message FROM schedule_fires WHERE schedule = $s ORDER BY fire_time DESC, seq DESC LIMIT $l",
            r => new ScheduleFire(r.GetString(0), ParseTime(r.GetString(1)), ParseTime(r.GetString(2)), r.GetString(3), Text(r, 4), Text(r, 5)),
            ("$s", schedule), ("$l", limit));
}
