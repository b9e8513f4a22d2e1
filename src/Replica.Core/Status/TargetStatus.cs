using Replica.Core.Config;
using Replica.Core.Platforms;
using Replica.Core.Runs;
using Replica.Core.Workflows;

namespace Replica.Core.Status;

/// <summary>One target as `replica status` shows it (the JSON shape is a contract).</summary>
public sealed record TargetStatus(
    string Target,
    string Platform,
    string State,
    string? ImageTag,
    BackupRef? Backup,
    DatabaseEndpoint? Database,
    string? MediaPath,
    StackEndpoint? Stack,
    RunRecord? LastRun,
    DateTimeOffset? Expires = null);

public sealed record BackupRef(string Name, DateTimeOffset? Time);

/// <summary>
/// Puts together what the run store remembers and what the platform sees running now, after
/// repairing what an interrupted run left (unless a live run holds the target: it repairs itself).
/// One target's trouble never hides the others: it is reported in its own status.
/// </summary>
public sealed class TargetStatusReader(ReplicaConfig config, RunStore store, IPlatformFactory platforms)
{
    public async Task<IReadOnlyList<TargetStatus>> ReadAsync(string? targetName, CancellationToken ct, Action<string>? report = null)
    {
        var targets = targetName is null
            ? config.Targets.Values.Where(t => !t.Protected).OrderBy(t => t.Name, StringComparer.Ordinal).ToList()
            : [config.Target(targetName)];
        var list = new List<TargetStatus>();
        foreach (var target in targets)
        {
            if (target.Protected)
                throw new RefusedException($"Target '{target.Name}' is protected (production); replica keeps no state for it.");
            list.Add(await ReadOneAsync(target, report ?? (_ => { }), ct));
        }
        return list;
    }

    private async Task<TargetStatus> ReadOneAsync(TargetConfig target, Action<string> report, CancellationToken ct)
    {
        var platform = platforms.For(config, target);
        TargetRecord? record;
        if (store.Exists)
        {
            IDisposable? repair = null;
            try { repair = store.TryLockForRepair(target.Name); }
            catch (StateFolderException e) { report($"{target.Name}: not repaired: {e.Message}"); } // a full state folder must not hide what runs
            using var _ = repair;
            if (repair is not null)
            {
                try { await new TargetReconciler(config, store).RepairAsync(target, platform, null, m => report($"{target.Name}: {m}"), ct); }
                catch (Exception e) when (e is not OperationCanceledException) { report($"{target.Name}: could not repair what an interrupted run left ({e.Message})"); }
            }
        }
        record = store.FindTarget(target.Name);
        var lastRun = store.LastRun(target.Name);
        var state = await platform.ReadStateAsync(target, record?.Database, ct);
        var running = state.DatabaseRunning || state.StackRunning;
        var name = lastRun?.Status == RunStatus.Running ? "running"
            : running ? "running"
            : record?.State == TargetStates.Failed ? "failed" : "stopped";
        return new TargetStatus(
            target.Name, target.Platform, name,
            running ? record?.ImageTag : null,
            running && record?.BackupName is { } b ? new BackupRef(b, record.BackupTime) : null,
            state.DatabaseRunning ? state.Database : null,
            state.MediaExists ? state.MediaLocation : null,
            state.StackRunning ? state.Stack : null,
            lastRun,
            running ? Expiry.ExpiryClock.Expires(target, store) : null);
    }
}
