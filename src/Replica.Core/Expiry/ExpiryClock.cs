using Replica.Core.Config;
using Replica.Core.Runs;

namespace Replica.Core.Expiry;

/// <summary>
/// When a target with `expire_after_hours` is due to be stopped: that long after its newest
/// successful start or extension. A target that holds no database (stopped, never started) has
/// nothing to expire.
/// </summary>
public static class ExpiryClock
{
    public static DateTimeOffset? Expires(TargetConfig target, RunStore store)
    {
        if (target.ExpireAfterHours is not { } hours || !store.Exists) return null;
        if (store.FindTarget(target.Name) is not { Database: not null }) return null;
        var started = store.LastSuccessfulStart(target.Name);
        var extended = store.LastExtension(target.Name);
        DateTimeOffset? since = started is null ? extended : extended is null ? started : (started > extended ? started : extended);
        return since?.AddHours(hours);
    }

    /// <summary>Who a run that stops an expired target was launched by.</summary>
    public static string LaunchedBy(TargetConfig target) => $"expiry:{target.ExpireAfterHours}h";
}
