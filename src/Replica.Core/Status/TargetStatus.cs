using Replica.Core.Config;
using Replica.Core.Platforms;
using Replica.Core.Runs;

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
    RunRecord? LastRun);

public sealed record BackupRef(string Name, DateTimeOffset? Time);

/// <summary>Puts together what the run store remembers and what the platform sees running now.</summary>
public sealed class TargetStatusReader(ReplicaConfig config, RunStore store, IPlatformFactory platforms)
{
    public async Task<IReadOnlyList<TargetStatus>> ReadAsync(string? targetName, CancellationToken ct)
    {
        var targets = targetName is null
            ? config.Targets.Values.Where(t => !t.Protected).OrderBy(t => t.Name, StringComparer.Ordinal).ToList()
            : [config.Target(targetName)];
        var list = new List<TargetStatus>();
        foreach (var target in targets)
        {
            if (target.Protected)
                throw new RefusedException($"Target '{target.Name}' is protected (production); replica keeps no state for it.");
            var platform = platforms.For(config, target);
            var state = await platform.ReadStateAsync(target, ct);
            var record = store.FindTarget(target.Name);
            var lastRun = store.LastRun(target.Name);
            var running = state.DatabaseRunning || state.StackRunning;
            var name = lastRun?.Status == RunStatus.Running ? "running"
                : record?.State == "failed" ? "failed"
                : running ? "running" : "stopped";
            list.Add(new TargetStatus(
                target.Name, target.Platform, name,
                running ? record?.ImageTag : null,
                running && record?.BackupName is { } b ? new BackupRef(b, record.BackupTime) : null,
                state.DatabaseRunning ? state.Database : null,
                state.MediaExists ? state.MediaLocation : null,
                state.StackRunning ? state.Stack : null,
                lastRun));
        }
        return list;
    }
}
