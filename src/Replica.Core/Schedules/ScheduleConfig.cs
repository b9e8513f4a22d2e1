using Cronos;
using Replica.Core.Launch;

namespace Replica.Core.Schedules;

/// <summary>
/// `schedules.NAME` in replica.yaml: a workflow on a target, fired by `replica serve` at the
/// times a five-field cron gives in an IANA time zone (daylight saving included, as Cronos
/// computes it: a time skipped in spring fires at the jump, a time repeated in autumn fires once).
/// </summary>
/// <param name="Options">the workflow's options as written (for listings).</param>
/// <param name="CatchUpMinutes">a fire missed while the server was down runs once at start-up when no older than this; 0: never.</param>
public sealed record ScheduleConfig(
    string Name,
    LaunchRequest Request,
    IReadOnlyDictionary<string, string?> Options,
    string Cron,
    CronExpression Expression,
    TimeZoneInfo Zone,
    int CatchUpMinutes)
{
    public string Target => Request.Target;
    public string Workflow => Request.Kind.ToName();

    /// <summary>Who a run fired by this schedule was launched by.</summary>
    public string LaunchedBy => $"schedule:{Name}";

    /// <summary>The first fire strictly after <paramref name="after"/>, in UTC; null when the cron never fires again.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset after) =>
        Expression.GetNextOccurrence(after.ToUniversalTime(), Zone) is { } next ? next.ToUniversalTime() : null;

    /// <summary>The next <paramref name="count"/> fires after <paramref name="after"/>, in UTC.</summary>
    public IReadOnlyList<DateTimeOffset> Next(DateTimeOffset after, int count)
    {
        var list = new List<DateTimeOffset>(count);
        var at = after;
        while (list.Count < count && NextAfter(at) is { } n) { list.Add(n); at = n; }
        return list;
    }

    /// <summary>The newest fire in (<paramref name="from"/>, <paramref name="to"/>], in UTC, if any.</summary>
    public DateTimeOffset? LatestIn(DateTimeOffset from, DateTimeOffset to) =>
        Expression.GetOccurrences(from.ToUniversalTime(), to.ToUniversalTime(), Zone, fromInclusive: false, toInclusive: true)
            .Select(o => (DateTimeOffset?)o.ToUniversalTime()).LastOrDefault();

    /// <summary>A UTC time as the schedule's zone shows it, with its offset (2026-03-29T02:30:00+01:00).</summary>
    public string Local(DateTimeOffset utc) =>
        TimeZoneInfo.ConvertTime(utc, Zone).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
}
