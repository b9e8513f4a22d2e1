using Replica.Core.Config;
using Replica.Core.Launch;
using Replica.Core.Runs;

namespace Replica.Core.Schedules;

// What `replica schedules --json` prints and `GET /api/schedules` returns (snake_case through WireJson).

/// <param name="Local">the same time in the schedule's zone, with its offset.</param>
public sealed record FireTimeJson(DateTimeOffset Utc, string Local);

/// <param name="RunId">the run it launched, or for a skipped fire the run that held the target.</param>
/// <param name="RunStatus">the launched run's status now.</param>
public sealed record LastFireJson(DateTimeOffset Time, string Local, DateTimeOffset At, string Outcome, string? RunId, string? RunStatus, string? Message);

public sealed record ScheduleJson(string Name, string Target, string Workflow, IReadOnlyDictionary<string, string?> Options, string Cron,
    string TimeZone, int CatchUpMinutes, IReadOnlyList<FireTimeJson> Next, LastFireJson? LastFire);

public static class ScheduleListing
{
    public static IReadOnlyList<ScheduleJson> Read(ReplicaConfig config, RunStore store, DateTimeOffset now) =>
        config.Schedules.Values.OrderBy(s => s.Name, StringComparer.Ordinal).Select(s =>
        {
            LastFireJson? last = null;
            if (store.LastFire(s.Name) is { } f)
            {
                var status = f.Outcome == FireOutcomes.Launched && f.RunId is { } id ? store.FindRun(id)?.Status : null;
                last = new LastFireJson(f.FireTime, s.Local(f.FireTime), f.At, f.Outcome, f.RunId, status, f.Message);
            }
            return new ScheduleJson(s.Name, s.Target, s.Request.Kind.ToRecorded(), s.Options, s.Cron, s.Zone.Id, s.CatchUpMinutes,
                s.Next(now, 5).Select(t => new FireTimeJson(t, s.Local(t))).ToList(), last);
        }).ToList();
}
