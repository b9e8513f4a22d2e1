using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Replica.Core.Config;
using Replica.Core.Runs;
using Replica.Core.Schedules;

namespace Replica.Server.Schedules;

/// <summary>
/// Fires `schedules:` while `replica serve` runs, on an injected clock. At start-up a fire missed
/// while the server was down runs once if it is no older than the schedule's catch_up_minutes.
/// Each fire goes through <see cref="ScheduleFiring"/>, which never throws, so one schedule's
/// trouble (a busy target, a refusal, an error) never stops the others.
/// </summary>
public sealed class Scheduler(ReplicaConfig config, ScheduleFiring firing, RunStore store, TimeProvider clock, ILogger<Scheduler> log) : BackgroundService
{
    // Timers are capped so a far-off fire (a yearly cron) is re-checked daily rather than trusted to one long timer.
    private static readonly TimeSpan LongestWait = TimeSpan.FromDays(1);

    // A fire found this late (the machine slept, the server was stalled) is recorded as missed, not run hours late.
    private static readonly TimeSpan Lateness = TimeSpan.FromMinutes(5);

    /// <summary>Raised each time the scheduler starts waiting, with the time of the next fire (tests drive the clock by it).</summary>
    internal event Action<DateTimeOffset>? Waiting;

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        var schedules = config.Schedules.Values.ToList();
        if (schedules.Count == 0) return;
        await Task.Yield(); // never hold up the server's start
        var started = clock.GetUtcNow();
        try { await CatchUpAsync(schedules, started); }
        catch (Exception e) { log.LogError("schedules: catching up failed: {Error}", e.Message); }
        var next = schedules.ToDictionary(s => s.Name, s => s.NextAfter(started));
        var byName = schedules.ToDictionary(s => s.Name);
        while (!stop.IsCancellationRequested)
        {
            var due = next.Values.Where(v => v.HasValue).Min();
            if (due is not { } at) return; // no cron fires ever again
            var wait = at - clock.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                var delay = Task.Delay(wait < LongestWait ? wait : LongestWait, clock, stop);
                Waiting?.Invoke(at); // after the timer exists: whoever moves the clock now wakes it
                try { await delay; }
                catch (OperationCanceledException) { return; }
                continue;
            }
            try { await FireDueAsync(next, byName, at); }
            catch (Exception e)
            {
                // Never reached by a schedule's own trouble (firing never throws); an unexpected error must not stop the server.
                log.LogError("schedules: {Error}; going on with the next fires", e.Message);
                foreach (var name in next.Where(kv => kv.Value <= at).Select(kv => kv.Key).ToList()) next[name] = byName[name].NextAfter(at);
            }
        }
    }

    private async Task FireDueAsync(Dictionary<string, DateTimeOffset?> next, Dictionary<string, ScheduleConfig> byName, DateTimeOffset at)
    {
        var now = clock.GetUtcNow();
        var fires = new List<Task>();
        foreach (var name in next.Where(kv => kv.Value == at).Select(kv => kv.Key).ToList())
        {
            var s = byName[name];
            var late = now - at;
            if (late > Lateness && late > TimeSpan.FromMinutes(s.CatchUpMinutes))
            {
                firing.RecordMissed(s, at, $"the server could not fire it until {late.TotalMinutes:0} minutes later");
                next[name] = s.NextAfter(now);
                continue;
            }
            next[name] = s.NextAfter(at);
            fires.Add(firing.FireAsync(s, at)); // together: schedules due at once do not wait for each other
        }
        await Task.WhenAll(fires);
    }

    private async Task CatchUpAsync(IEnumerable<ScheduleConfig> schedules, DateTimeOffset now)
    {
        var fires = new List<Task>();
        foreach (var s in schedules.Where(s => s.CatchUpMinutes > 0))
        {
            // Only the newest missed fire runs, once: several missed refreshes are one refresh.
            if (s.LatestIn(now.AddMinutes(-s.CatchUpMinutes), now) is not { } missed) continue;
            DateTimeOffset? last = null;
            try { last = store.LastFire(s.Name)?.FireTime; }
            catch (StateFolderException) { }
            if (last >= missed) continue;
            fires.Add(firing.FireAsync(s, missed, $"caught up at start-up ({(now - missed).TotalMinutes:0} minutes after it was due)"));
        }
        await Task.WhenAll(fires);
    }
}
