using Replica.Core.Launch;
using Replica.Core.Runs;

namespace Replica.Core.Schedules;

/// <summary>
/// Fires one schedule through the same launcher as every other front end (so every guard
/// applies) and records what came of it. Never throws: one schedule's trouble is its own record,
/// never a reason for the others to stop.
/// </summary>
public sealed class ScheduleFiring(RunLauncher launcher, RunStore store, TimeProvider clock)
{
    /// <summary>Raised after a fire is recorded (the server refreshes its cached status).</summary>
    public event Action<ScheduleFire, RunHandle?>? Fired;

    public async Task<ScheduleFire> FireAsync(ScheduleConfig schedule, DateTimeOffset fireTime, string? note = null)
    {
        ScheduleFire fire;
        RunHandle? handle = null;
        try
        {
            handle = await launcher.LaunchAsync(schedule.Request, schedule.LaunchedBy);
            fire = new(schedule.Name, fireTime, clock.GetUtcNow(), FireOutcomes.Launched, handle.RunId, note);
        }
        catch (TargetBusyException busy)
        {
            // Never queued behind the holder, never two runs at once: this fire is skipped and says why.
            fire = new(schedule.Name, fireTime, clock.GetUtcNow(), FireOutcomes.Skipped, busy.RunId, busy.Message);
        }
        catch (RefusedException refused)
        {
            fire = new(schedule.Name, fireTime, clock.GetUtcNow(), FireOutcomes.Refused, null, refused.Message);
        }
        catch (Exception e)
        {
            fire = new(schedule.Name, fireTime, clock.GetUtcNow(), FireOutcomes.Failed, null, e.Message);
        }
        try { store.RecordFire(fire); }
        catch (StateFolderException) { /* the run itself is recorded (or refused); a full state folder is reported by the run */ }
        Fired?.Invoke(fire, handle);
        return fire;
    }

    /// <summary>A fire that was due while the server could not fire it and is past catching up.</summary>
    public void RecordMissed(ScheduleConfig schedule, DateTimeOffset fireTime, string why)
    {
        try { store.RecordFire(new(schedule.Name, fireTime, clock.GetUtcNow(), FireOutcomes.Missed, null, why)); }
        catch (StateFolderException) { }
    }
}
