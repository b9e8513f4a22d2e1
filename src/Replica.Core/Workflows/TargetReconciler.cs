using Replica.Core.Config;
using Replica.Core.Platforms;
using Replica.Core.Progress;
using Replica.Core.Runs;

namespace Replica.Core.Workflows;

/// <summary>
/// Brings what is recorded of a target and what exists back in line after an interrupted run
/// (kill -9, a crash, a power cut): runs whose process is gone are recorded as failed; every
/// database instance other than the one the target serves from was made by a run that did not
/// finish and is removed (a half-restored instance is never presented as usable, and a bulk-load
/// instance never outlives its run); a recorded instance that no longer exists is forgotten; the
/// platform clears its own leftovers. Called with the target's lock held.
/// </summary>
public sealed class TargetReconciler(ReplicaConfig config, RunStore store)
{
    /// <param name="ownRun">the run that holds the lock now (its own instance is never a leftover); null outside a run.</param>
    public async Task<TargetRecord?> RepairAsync(TargetConfig target, IPlatform platform, string? ownRun, Action<string> report, CancellationToken ct)
    {
        foreach (var id in store.EndAbandonedRuns())
            report($"run {id} {RunStore.EndedWithoutFinishing}; recorded as failed");
        var record = store.FindTarget(target.Name);
        var instances = await platform.ListDatabasesAsync(target, ct);
        if (record is { Database: null } && instances.Contains(LegacyInstance) && record.State == TargetStates.Running)
        {
            // A target started by a replica from before side-by-side refreshes: its one database is the current one.
            record = record with { Database = LegacyInstance };
            store.SaveTarget(record);
        }
        var context = new RunContext(config, target, ownRun ?? "repair", new ReportingProgress(report), ct);
        foreach (var instance in instances)
        {
            if (instance == record?.Database || instance == ownRun) continue;
            report($"removing database instance {instance}: the run that made it did not finish ({Describe(store.FindRun(instance))})");
            await platform.RemoveDatabaseAsync(context, instance);
        }
        if (record?.Database is { } current && !instances.Contains(current))
        {
            report($"database instance {current} recorded for {target.Name} no longer exists; recorded as stopped");
            record = record with { Database = null, State = TargetStates.Stopped, Updated = DateTimeOffset.UtcNow };
            store.SaveTarget(record);
        }
        await platform.RepairAsync(target, record?.Database, report, ct);
        await UndoCutShortSwitchAsync(target, platform, record, context, report, ct);
        return record;
    }

    /// <summary>
    /// A run killed while it switched the stack (or redeployed it) leaves the database serving and no
    /// stack: the switch is undone by starting the stack again on the database the target serves from.
    /// </summary>
    private async Task UndoCutShortSwitchAsync(TargetConfig target, IPlatform platform, TargetRecord? record, RunContext context, Action<string> report, CancellationToken ct)
    {
        if (record is not { Database: { } db, State: TargetStates.Running, ImageTag: { } tag }) return;
        if (store.LastRun(target.Name) is not { Status: RunStatus.Failed, Message: RunStore.EndedWithoutFinishing } last || last.Id == context.RunId) return;
        if (store.Steps(last.Id).LastOrDefault() is not { Name: TargetWorkflows.StepSwitchStack or TargetWorkflows.StepStartStack }) return;
        var state = await platform.ReadStateAsync(target, db, ct);
        if (!state.DatabaseRunning || state.StackRunning) return;
        report($"run {last.Id} was killed while it switched the stack; starting the stack again on database {db} (tag {tag})");
        await platform.StartStackAsync(context, tag, db);
    }

    /// <summary>What the local platform calls the one instance of a target made before instances were per run.</summary>
    public const string LegacyInstance = "legacy";

    private static string Describe(RunRecord? run) => run is null ? "no such run is recorded" : $"run {run.Id} {run.Status}";

    private sealed class ReportingProgress(Action<string> report) : IRunProgress
    {
        public void StepStarted(string step) { }
        public void StepFinished(string step, StepOutcome outcome, string? message) { }
        public void Report(ProgressUpdate update) { }
        public void Log(LogLevel level, string message) { if (level != LogLevel.Debug) report(message); }
    }
}
