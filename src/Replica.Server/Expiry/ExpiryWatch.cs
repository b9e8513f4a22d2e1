using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Replica.Core.Config;
using Replica.Core.Expiry;
using Replica.Core.Launch;
using Replica.Core.Runs;
using Replica.Server.Notifications;

namespace Replica.Server.Expiry;

/// <summary>
/// Stops (never wipes) a target with `expire_after_hours` that long after its last successful
/// start or extension, through the same launcher as everyone (a busy target is tried again at
/// the next check), after the `expiring` warning has gone out.
/// </summary>
public sealed class ExpiryWatch(ReplicaConfig config, RunStore store, RunLauncher launcher, Notifier notifier, TimeProvider clock,
    ILogger<ExpiryWatch> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    // A failed expiry stop is not retried every minute: an hour later, or after anything else runs on the target.
    private static readonly TimeSpan AfterFailure = TimeSpan.FromHours(1);

    /// <summary>Raised after each check (tests drive the clock by it).</summary>
    internal event Action? Checked;

    /// <summary>Raised when an expired target's stop is launched.</summary>
    public event Action<RunHandle>? Stopping;

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        if (!config.Targets.Values.Any(t => t.ExpireAfterHours is not null)) return;
        await Task.Yield();
        while (!stop.IsCancellationRequested)
        {
            await CheckAsync();
            var delay = Task.Delay(Interval, clock, stop);
            Checked?.Invoke(); // after the timer exists: whoever moves the clock now wakes it
            try { await delay; }
            catch (OperationCanceledException) { return; }
        }
    }

    internal async Task CheckAsync()
    {
        var now = clock.GetUtcNow();
        foreach (var target in config.Targets.Values.Where(t => t.ExpireAfterHours is not null))
        {
            try
            {
                if (ExpiryClock.Expires(target, store) is not { } expires) continue;
                notifier.NotifyExpiring(target.Name, expires, now);
                if (now < expires) continue;
                if (store.LastRun(target.Name) is { Status: RunStatus.Failed } last && last.LaunchedBy == ExpiryClock.LaunchedBy(target)
                    && last.Ended is { } ended && now - ended < AfterFailure) continue;
                var handle = await launcher.LaunchAsync(new LaunchRequest(target.Name, WorkflowKind.Stop), ExpiryClock.LaunchedBy(target));
                log.LogInformation("{Target} expired at {Expires}: stopping it in run {Run}", target.Name, expires, handle.RunId);
                Stopping?.Invoke(handle);
            }
            catch (TargetBusyException) { /* a run holds it: the next check tries again */ }
            catch (Exception e)
            {
                // One target's trouble is reported and retried at the next check; it never stops the watch (nor the server).
                log.LogWarning("{Target}: expiry not applied: {Error}", target.Name, e.Message);
            }
        }
    }
}
