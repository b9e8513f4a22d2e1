using Replica.Core.Backups;
using Replica.Core.Config;
using Replica.Core.Guards;
using Replica.Core.Platforms;
using Replica.Core.Progress;
using Replica.Core.Runs;
using Replica.Dumps;
using Replica.Dumps.Masking;

namespace Replica.Core.Workflows;

/// <summary>
/// The workflows on a target — start, stop, wipe, upgrade — and the plan of a start. Every
/// entry point goes through here, so the guards are checked once and always, and every
/// workflow first repairs what an interrupted run left behind.
/// </summary>
public sealed class TargetWorkflows(ReplicaConfig config, RunStore store, IPlatformFactory platforms, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public const string StepStopStack = "stop stack";
    public const string StepCreateDatabase = "create database";
    public const string StepRestore = "restore database";
    public const string StepStartStack = "start stack";
    public const string StepSwitchStack = "switch stack";
    public const string StepSyncMedia = "sync media";
    public const string StepRemoveDatabase = "remove database";
    public const string StepRemovePreviousDatabase = "remove previous database";
    public const string StepRemoveMedia = "remove media";
    public const string StepRemoveTarget = "remove target";

    public ReplicaConfig Config => config;

    internal (TargetConfig Target, IPlatform Platform) Writable(string name, string workflow)
    {
        var target = config.Target(name);
        WorkflowGuards.EnsureWritable(target, workflow);
        var platform = platforms.For(config, target);
        platform.CheckFootprint(target);
        return (target, platform);
    }

    /// <summary>
    /// Checks every guard and chooses backup and tag; changes nothing. Where listing the backups needs
    /// a change on the platform (a Job on a cluster), it is undone and <see cref="StartPlan.Changes"/> says so.
    /// </summary>
    public Task<StartPlan> PlanStartAsync(StartRequest request, CancellationToken ct) => PlanAsync(request, forPlan: true, ct);

    /// <param name="forPlan">false for the plan a start run follows: listing may then make what it needs (a namespace).</param>
    private async Task<StartPlan> PlanAsync(StartRequest request, bool forPlan, CancellationToken ct)
    {
        var (target, platform) = Writable(request.Target, "start");
        // What the platform cannot read or do is refused before anything is read or changed.
        platform.CheckSources(target, config.Source, readsMedia: !request.DbOnly);
        if (platform.Unsupported(target) is { } unsupported) throw new RefusedException(unsupported);
        var productionTag = await ProductionImageTag.ReadAsync(config, platform, ct);
        var tag = WorkflowGuards.ChooseImageTag(productionTag, request.ImageTag);
        var warnings = new List<string>();
        if (config.Source.DatabaseBackups.LocalPath is { } root && Directory.Exists(root))
            warnings.AddRange(new BackupCatalog(root).Read().Warnings);
        var listing = await platform.ListBackupsAsync(target, config.Source.DatabaseBackups, forPlan, ct);
        Backup? backup = null;
        DumpInfo? dump = null;
        if (listing.Backups is { } backups)
        {
            var usable = DamagedBackups.PassOver(backups, store.DamagedBackups(), request.FromBackup, warnings);
            backup = BackupCatalog.Select(usable, config.Source.DatabaseBackups.ToString(), request.FromBackup, request.MaxAgeHours, _clock.GetUtcNow());
            try { dump = backup.Inspect(); }
            catch (DumpFormatException e) { throw new RefusedException(e.Message); }
        }
        else if (!forPlan)
            throw new InvalidOperationException($"platform {platform.Name} listed no backups for a start ({listing.Unlisted})");
        MaskingCheck? masking = null;
        if (target.Masking is { } profile)
        {
            masking = backup is null
                ? new MaskingCheck(null, "not checked yet: the backups are listed when start runs, and the profile is checked then")
                : await platform.CheckMaskingAsync(target, profile, backup, ct);
            if (masking.Plan is { Refused: true } refused) throw new RefusedException(refused.Refusal!);
            foreach (var pii in masking.Plan?.UncoveredPii ?? []) warnings.Add($"column {pii.Database}.{pii.Table}.{pii.Column} looks personal ({pii.Reason}) and is not masked (pii_columns: warn)");
        }

        var previous = store.FindTarget(target.Name);
        var current = previous?.Database;
        var sideBySide = !request.InPlace && current is not null;
        DatabaseFootprint? footprint = null;
        if (current is not null)
        {
            footprint = await platform.DatabaseFootprintAsync(target, current, ct);
            if (sideBySide && footprint is { UsedBytes: { } used, FreeBytes: { } free } && free < used)
                throw new RefusedException($"The volume {footprint.Volume} has {Size.Format(free)} free, but a new database beside the running one needs about {Size.Format(used)} (the size of the current one); free space there, or run 'replica start {target.Name} --in-place' to stop the current database first.");
        }
        if (!request.DbOnly && !request.AllowMediaDelete)
            MediaSourceGuard.EnsureNotEmpty(config.Source.MediaBackup, platform.MediaLocation(target), target.Name);

        var steps = new List<string>();
        if (current is not null && !sideBySide) steps.AddRange([StepStopStack, StepRemoveDatabase]);
        steps.AddRange([StepCreateDatabase, StepRestore]);
        steps.AddRange(AfterRestoreSteps(target).Select(a => a.Name));
        if (!request.DbOnly) steps.Add(StepSyncMedia);
        steps.Add(sideBySide ? StepSwitchStack : StepStartStack);
        if (sideBySide) steps.Add(StepRemovePreviousDatabase);
        return new StartPlan(target.Name, target.Platform, backup, dump, tag, request.ImageTag is not null,
            platform.MediaLocation(target), await platform.MediaVolumeExistsAsync(target, ct), request.DbOnly, steps,
            sideBySide, previous, footprint, warnings, masking?.Plan)
        {
            MaskingCheckedBy = masking?.How,
            Changes = listing.Changes,
            BackupUnlisted = listing.Unlisted,
        };
    }

    /// <summary>
    /// What a start would create on the target's platform, as the platform writes it (Kubernetes
    /// manifests). Reads production's tag and creates nothing: listing the backup volume may need a
    /// Job on a cluster, so the backup is a placeholder unless <paramref name="backupPath"/> gives it.
    /// </summary>
    public async Task<string> RenderStartAsync(StartRequest request, string? backupPath, CancellationToken ct)
    {
        var (target, platform) = Writable(request.Target, "start");
        platform.CheckSources(target, config.Source, readsMedia: !request.DbOnly);
        var productionTag = await ProductionImageTag.ReadAsync(config, platform, ct);
        var tag = WorkflowGuards.ChooseImageTag(productionTag, request.ImageTag);
        return platform.RenderStart(target, tag, request.ImageTag is null ? "production's" : "given, equal to production's", backupPath, request.DbOnly,
                   $"render-{_clock.GetUtcNow().UtcDateTime:yyyyMMdd'T'HHmmss}")
               ?? throw new RefusedException($"Target '{target.Name}' is on platform '{target.Platform}', which has no manifests; use 'replica plan start {target.Name}' instead.");
    }

    /// <summary>The target's after_restore entries as steps named "after restore N".</summary>
    private static IEnumerable<(string Name, AfterRestoreStep Step)> AfterRestoreSteps(TargetConfig target) =>
        (target.AfterRestore ?? []).Select((a, i) => ($"after restore {i + 1}", a));

    public async Task<RunResult> StartAsync(StartRequest request, IRunProgress progress, CancellationToken ct, string? launchedBy = null)
    {
        var plan = await PlanAsync(request, forPlan: false, ct);
        var (target, platform) = Writable(request.Target, "start");
        var backup = plan.Backup!; // a start's plan always lists the backups
        var dump = plan.Dump!;
        var workflow = request.DbOnly ? "start --db-only" : "start";
        var instance = "";
        TargetRecord? previous = null;
        var switched = false;
        var result = await new WorkflowRunner(store, progress).RunAsync(config, target, workflow, request.Parameters, async (run, result) =>
        {
            instance = run.RunId;
            previous = await new TargetReconciler(config, store).RepairAsync(target, platform, run.RunId, run.Info, run.Cancellation);
            var sideBySide = !request.InPlace && previous?.Database is not null;
            result.Backup = backup;
            result.BackupFlavour = dump.Flavour.ToWire();
            result.ImageTag = plan.ImageTag;
            result.MediaLocation = plan.MediaLocation;
            foreach (var w in plan.Warnings ?? []) run.Warn(w);
            run.Info($"backup {backup.Name} ({dump.Flavour.ToWire()}{(dump.Gzipped ? ", gzip" : "")}, {Size.Format(backup.SizeBytes)}), taken {backup.Time:yyyy-MM-dd HH:mm:ss}Z");
            run.Info(plan.ImageTagGiven ? $"image tag {plan.ImageTag} (given, equal to production's)" : $"image tag {plan.ImageTag} (production's)");
            run.Info(sideBySide
                ? $"the new database is prepared beside the running one ({previous!.BackupName ?? "backup unknown"}, restored by run {previous.RestoredBy ?? "unknown"}), which keeps serving until the switch"
                : previous?.Database is not null ? "in place: the running stack and database are stopped first" : "first start of this target: nothing to keep");
            var steps = new List<Step>();
            if (previous?.Database is { } old && !sideBySide)
            {
                steps.Add(new(StepStopStack, platform.StopStackAsync));
                steps.Add(new(StepRemoveDatabase, async r =>
                {
                    // Recorded first: from here on the target has no database, whatever happens next.
                    store.SaveTarget(previous with { Database = null, State = TargetStates.Stopped, LastRun = r.RunId, Updated = _clock.GetUtcNow() });
                    await platform.RemoveDatabaseAsync(r, old);
                }));
            }
            steps.Add(new(StepCreateDatabase, async r => result.Database = await platform.CreateDatabaseAsync(r, instance)));
            steps.Add(new(StepRestore, async r => result.Restore = await platform.RestoreDatabaseAsync(r, backup, instance)));
            foreach (var (name, after) in AfterRestoreSteps(target))
                steps.Add(new(name, r => { r.Info(after.Describe()); return platform.RunAfterRestoreAsync(r, after, instance); }));
            if (!plan.DbOnly)
            {
                var limit = request.AllowMediaDelete ? MediaDeletionLimit.Unlimited : new MediaDeletionLimit(target.Media.MaxDeletePercent);
                steps.Add(new(StepSyncMedia, async r => result.Media = await platform.SyncMediaAsync(r, limit)));
            }
            steps.Add(new(sideBySide ? StepSwitchStack : StepStartStack, async r =>
            {
                result.Stack = await platform.StartStackAsync(r, plan.ImageTag, instance);
                // The switch: from this record on, the target serves from the new database.
                switched = true;
                store.SaveTarget(new TargetRecord(target.Name, TargetStates.Running, plan.ImageTag, backup.Name, backup.Time, r.RunId,
                    _clock.GetUtcNow(), instance, r.RunId));
            }));
            if (sideBySide)
                steps.Add(new(StepRemovePreviousDatabase, r => platform.RemoveDatabaseAsync(r, previous!.Database!)));
            return steps;
        }, async (run, result) =>
        {
            if (instance.Length == 0) return;
            if (switched)
            {
                // Only the removal of the previous database was left: the next command's repair finishes it.
                result.Kept = $"{target.Name} runs backup {backup.Name} restored by run {run.RunId}; the previous database is removed by the next replica command";
                return;
            }
            var current = store.FindTarget(target.Name);
            var stackStep = run.CurrentStep is StepSwitchStack or StepStartStack;
            if (stackStep) await platform.StopStackAsync(run); // the stack this run started, on the database about to go
            await platform.RemoveDatabaseAsync(run, instance);
            if (current?.Database is { } kept && stackStep)
            {
                // The switch stopped the stack and could not start the new one: start it again on what ran before.
                run.Info($"starting the stack again on the previous database (run {current.RestoredBy})");
                try { await platform.StartStackAsync(run, current.ImageTag ?? plan.ImageTag, kept); }
                catch (Exception e) { run.Warn($"the previous stack did not start again: {e.Message}"); }
            }
            result.Kept = current?.Database is not null
                ? $"{target.Name} still runs backup {current.BackupName} restored by run {current.RestoredBy}"
                : $"{target.Name} has no database now; the database this run created was removed";
            store.SaveTarget((current ?? new TargetRecord(target.Name, TargetStates.Stopped, null, null, null, null, _clock.GetUtcNow()))
                with { LastRun = run.RunId, Updated = _clock.GetUtcNow(), State = current?.Database is not null ? TargetStates.Running : result.Status == RunStatus.Cancelled ? TargetStates.Stopped : TargetStates.Failed });
            if (result.DamagedBackup)
            {
                store.MarkDamaged(DamagedBackups.Record(backup, run.RunId, result.Message ?? "restore failed", _clock.GetUtcNow()));
                run.Warn($"backup {backup.Name} is recorded as damaged: LATEST passes over it until the file changes");
            }
        }, ct, launchedBy);
        return result;
    }

    public async Task<RunResult> StopAsync(string targetName, bool removeMedia, IRunProgress progress, CancellationToken ct, string? launchedBy = null)
    {
        var (target, platform) = Writable(targetName, "stop");
        var parameters = new Dictionary<string, string?> { ["remove_media"] = removeMedia ? "true" : null };
        return await new WorkflowRunner(store, progress).RunAsync(config, target, "stop", parameters, async (run, result) =>
        {
            var record = await new TargetReconciler(config, store).RepairAsync(target, platform, run.RunId, run.Info, run.Cancellation);
            result.MediaLocation = platform.MediaLocation(target);
            var steps = new List<Step>
            {
                new(StepStopStack, platform.StopStackAsync),
                new(StepRemoveDatabase, async r =>
                {
                    store.SaveTarget((record ?? new TargetRecord(target.Name, TargetStates.Stopped, null, null, null, null, _clock.GetUtcNow()))
                        with { Database = null, State = TargetStates.Stopped, LastRun = r.RunId, Updated = _clock.GetUtcNow() });
                    if (record?.Database is { } db) await platform.RemoveDatabaseAsync(r, db);
                    else r.Info("no database recorded for the target");
                }),
            };
            if (removeMedia) steps.Add(new(StepRemoveMedia, platform.RemoveMediaAsync));
            return steps;
        }, null, ct, launchedBy);
    }

    /// <summary>stop --remove-media, then every trace of the target (its state folder, its status). Run history is kept.</summary>
    public async Task<RunResult> WipeAsync(string targetName, IRunProgress progress, CancellationToken ct, string? launchedBy = null)
    {
        var (target, platform) = Writable(targetName, "wipe");
        var result = await new WorkflowRunner(store, progress).RunAsync(config, target, "wipe", new Dictionary<string, string?>(), async (run, _) =>
        {
            var record = await new TargetReconciler(config, store).RepairAsync(target, platform, run.RunId, run.Info, run.Cancellation);
            return
            [
                new(StepStopStack, platform.StopStackAsync),
                new(StepRemoveDatabase, async r =>
                {
                    if (record is not null)
                        store.SaveTarget(record with { Database = null, State = TargetStates.Stopped, LastRun = r.RunId, Updated = _clock.GetUtcNow() });
                    foreach (var db in await platform.ListDatabasesAsync(target, r.Cancellation))
                        await platform.RemoveDatabaseAsync(r, db);
                }),
                new(StepRemoveMedia, platform.RemoveMediaAsync),
                new(StepRemoveTarget, platform.RemoveTargetAsync),
            ];
        }, null, ct, launchedBy);
        if (result.Status == RunStatus.Succeeded) store.ForgetTarget(target.Name);
        return result;
    }

    /// <summary>Redeploys only the stack on another tag (allowed once the database is restored).</summary>
    public async Task<RunResult> UpgradeAsync(string targetName, string imageTag, IRunProgress progress, CancellationToken ct, string? launchedBy = null)
    {
        var (target, platform) = Writable(targetName, "upgrade");
        if (string.IsNullOrWhiteSpace(imageTag))
            throw new RefusedException("upgrade needs --image-tag TAG (one tag, no spaces).");
        WorkflowGuards.EnsureImageTag(imageTag, "--image-tag");
        var recorded = store.FindTarget(target.Name);
        var state = await platform.ReadStateAsync(target, recorded?.Database, ct);
        if (!state.DatabaseRunning || state.Database is null || recorded?.Database is null)
            throw new RefusedException($"Target '{target.Name}' has no running database; run 'replica start {target.Name}' first, then upgrade.");
        var parameters = new Dictionary<string, string?> { ["image_tag"] = imageTag };
        var result = await new WorkflowRunner(store, progress).RunAsync(config, target, "upgrade", parameters, async (run, result) =>
        {
            var record = await new TargetReconciler(config, store).RepairAsync(target, platform, run.RunId, run.Info, run.Cancellation);
            var instance = record?.Database ?? throw new RefusedException($"Target '{target.Name}' has no database any more; run 'replica start {target.Name}' first.");
            result.ImageTag = imageTag;
            result.Database = state.Database;
            result.MediaLocation = state.MediaLocation;
            return
            [
                new(StepStartStack, async r =>
                {
                    result.Stack = await platform.StartStackAsync(r, imageTag, instance);
                    store.SaveTarget(record with { ImageTag = imageTag, State = TargetStates.Running, LastRun = r.RunId, Updated = _clock.GetUtcNow() });
                }),
            ];
        }, async (run, result) =>
        {
            // The stack was stopped to be replaced: bring back the tag it ran on.
            if (recorded.ImageTag is { } oldTag && run.CurrentStep == StepStartStack)
            {
                run.Info($"starting the stack again on its previous tag {oldTag}");
                try { await platform.StartStackAsync(run, oldTag, recorded.Database); result.Kept = $"{target.Name} still runs on tag {oldTag}"; }
                catch (Exception e) { run.Warn($"the stack did not start again on {oldTag}: {e.Message}"); }
            }
        }, ct, launchedBy);
        return result;
    }
}
