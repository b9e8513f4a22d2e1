using Replica.Core.Backups;
using Replica.Core.Config;
using Replica.Core.Guards;
using Replica.Core.Platforms;
using Replica.Core.Progress;
using Replica.Core.Runs;
using Replica.Postgres.Dumps;

namespace Replica.Core.Workflows;

/// <summary>
/// The workflows on a target — start, stop, wipe, upgrade — and the plan of a start. Every
/// entry point goes through here, so the guards are checked once and always.
/// </summary>
public sealed class TargetWorkflows(ReplicaConfig config, RunStore store, IPlatformFactory platforms, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public const string StepStopStack = "stop stack";
    public const string StepCreateDatabase = "create database";
    public const string StepRestore = "restore database";
    public const string StepStartStack = "start stack";
    public const string StepSyncMedia = "sync media";
    public const string StepRemoveDatabase = "remove database";
    public const string StepRemoveMedia = "remove media";
    public const string StepRemoveTarget = "remove target";

    public ReplicaConfig Config => config;

    private (TargetConfig Target, IPlatform Platform) Writable(string name, string workflow)
    {
        var target = config.Target(name);
        WorkflowGuards.EnsureWritable(target, workflow);
        WorkflowGuards.EnsureNamespaceApart(config, target);
        var platform = platforms.For(config, target);
        if (config.Source.MediaBackup.LocalPath is not null && target.Platform == PlatformNames.Local)
            WorkflowGuards.EnsureMediaApart(target.Name, platform.MediaLocation(target), config.Source);
        return (target, platform);
    }

    /// <summary>Checks every guard and chooses backup and tag; changes nothing.</summary>
    public async Task<StartPlan> PlanStartAsync(StartRequest request, CancellationToken ct)
    {
        var (target, platform) = Writable(request.Target, "start");
        var productionTag = await ProductionImageTag.ReadAsync(config, platform, ct);
        var tag = WorkflowGuards.ChooseImageTag(productionTag, request.ImageTag);
        var backups = await platform.ListBackupsAsync(target, config.Source.DatabaseBackups, ct);
        var backup = BackupCatalog.Select(backups, config.Source.DatabaseBackups.ToString(), request.FromBackup, request.MaxAgeHours, _clock.GetUtcNow());
        DumpInfo dump;
        try { dump = backup.Inspect(); }
        catch (DumpFormatException e) { throw new RefusedException(e.Message); }
        var steps = new List<string> { StepStopStack, StepCreateDatabase, StepRestore, StepStartStack };
        if (!request.DbOnly) steps.Add(StepSyncMedia);
        return new StartPlan(target.Name, target.Platform, backup, dump, tag, request.ImageTag is not null,
            platform.MediaLocation(target), await platform.MediaVolumeExistsAsync(target, ct), request.DbOnly, steps);
    }

    public async Task<RunResult> StartAsync(StartRequest request, IRunProgress progress, CancellationToken ct)
    {
        var plan = await PlanStartAsync(request, ct);
        var (target, platform) = Writable(request.Target, "start");
        var workflow = request.DbOnly ? "start --db-only" : "start";
        var result = await new WorkflowRunner(store, progress).RunAsync(config, target, workflow, request.Parameters, (run, result) =>
        {
            result.Backup = plan.Backup;
            result.BackupFlavour = plan.Dump.Flavour.ToWire();
            result.ImageTag = plan.ImageTag;
            result.MediaLocation = plan.MediaLocation;
            run.Info($"backup {plan.Backup.Name} ({plan.Dump.Flavour.ToWire()}{(plan.Dump.Gzipped ? ", gzip" : "")}, {Size.Format(plan.Backup.SizeBytes)}), taken {plan.Backup.Time:yyyy-MM-dd HH:mm:ss}Z");
            run.Info(plan.ImageTagGiven ? $"image tag {plan.ImageTag} (given, equal to production's)" : $"image tag {plan.ImageTag} (production's)");
            var steps = new List<Step>
            {
                new(StepStopStack, platform.StopStackAsync),
                new(StepCreateDatabase, async r => result.Database = await platform.CreateDatabaseAsync(r)),
                new(StepRestore, async r => result.Restore = await platform.RestoreDatabaseAsync(r, plan.Backup, result.Database!)),
                new(StepStartStack, async r => result.Stack = await platform.StartStackAsync(r, plan.ImageTag, result.Database!)),
            };
            if (!plan.DbOnly)
                steps.Add(new(StepSyncMedia, async r => result.Media = await platform.SyncMediaAsync(r)));
            return steps;
        }, async (run, _) =>
        {
            await platform.StopStackAsync(run);
            await platform.RemoveDatabaseAsync(run);
        }, ct);
        store.SaveTarget(new TargetRecord(target.Name,
            result.Status == RunStatus.Succeeded ? "running" : result.Status == RunStatus.Cancelled ? "stopped" : "failed",
            plan.ImageTag, plan.Backup.Name, plan.Backup.Time, result.RunId, _clock.GetUtcNow()));
        return result;
    }

    public async Task<RunResult> StopAsync(string targetName, bool removeMedia, IRunProgress progress, CancellationToken ct)
    {
        var (target, platform) = Writable(targetName, "stop");
        var parameters = new Dictionary<string, string?> { ["remove_media"] = removeMedia ? "true" : null };
        var result = await new WorkflowRunner(store, progress).RunAsync(config, target, "stop", parameters, (_, result) =>
        {
            result.MediaLocation = platform.MediaLocation(target);
            var steps = new List<Step> { new(StepStopStack, platform.StopStackAsync), new(StepRemoveDatabase, platform.RemoveDatabaseAsync) };
            if (removeMedia) steps.Add(new(StepRemoveMedia, platform.RemoveMediaAsync));
            return steps;
        }, null, ct);
        var previous = store.FindTarget(target.Name);
        store.SaveTarget(new TargetRecord(target.Name, result.Status == RunStatus.Succeeded ? "stopped" : "failed",
            previous?.ImageTag, previous?.BackupName, previous?.BackupTime, result.RunId, _clock.GetUtcNow()));
        return result;
    }

    /// <summary>stop --remove-media, then every trace of the target (its state folder, its status). Run history is kept.</summary>
    public async Task<RunResult> WipeAsync(string targetName, IRunProgress progress, CancellationToken ct)
    {
        var (target, platform) = Writable(targetName, "wipe");
        var result = await new WorkflowRunner(store, progress).RunAsync(config, target, "wipe", new Dictionary<string, string?>(), (_, _) =>
        [
            new(StepStopStack, platform.StopStackAsync),
            new(StepRemoveDatabase, platform.RemoveDatabaseAsync),
            new(StepRemoveMedia, platform.RemoveMediaAsync),
            new(StepRemoveTarget, platform.RemoveTargetAsync),
        ], null, ct);
        if (result.Status == RunStatus.Succeeded) store.ForgetTarget(target.Name);
        return result;
    }

    /// <summary>Redeploys only the stack on another tag (allowed once the database is restored).</summary>
    public async Task<RunResult> UpgradeAsync(string targetName, string imageTag, IRunProgress progress, CancellationToken ct)
    {
        var (target, platform) = Writable(targetName, "upgrade");
        if (string.IsNullOrWhiteSpace(imageTag) || imageTag.Any(char.IsWhiteSpace))
            throw new RefusedException("upgrade needs --image-tag TAG (one tag, no spaces).");
        var state = await platform.ReadStateAsync(target, ct);
        if (!state.DatabaseRunning || state.Database is null)
            throw new RefusedException($"Target '{target.Name}' has no running database; run 'replica start {target.Name}' first, then upgrade.");
        var parameters = new Dictionary<string, string?> { ["image_tag"] = imageTag };
        var result = await new WorkflowRunner(store, progress).RunAsync(config, target, "upgrade", parameters, (_, result) =>
        {
            result.ImageTag = imageTag;
            result.Database = state.Database;
            result.MediaLocation = state.MediaLocation;
            return
            [
                new(StepStopStack, platform.StopStackAsync),
                new(StepStartStack, async r => result.Stack = await platform.StartStackAsync(r, imageTag, state.Database)),
            ];
        }, null, ct);
        var previous = store.FindTarget(target.Name);
        store.SaveTarget(new TargetRecord(target.Name, result.Status == RunStatus.Succeeded ? "running" : "failed",
            result.Status == RunStatus.Succeeded ? imageTag : previous?.ImageTag, previous?.BackupName, previous?.BackupTime, result.RunId, _clock.GetUtcNow()));
        return result;
    }
}
