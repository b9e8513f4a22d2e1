using System.Text.Json;
using k8s;
using k8s.Models;
using Replica.Core;
using Replica.Core.Backups;
using Replica.Core.Config;
using Replica.Core.Platforms;
using Replica.Core.Progress;
using Replica.Core.Workflows;
using Replica.Dumps.Masking;
using Replica.Kubernetes.Cleanup;
using Replica.Kubernetes.Cluster;
using Replica.Kubernetes.Config;
using Replica.Kubernetes.Manifests;
using Replica.Kubernetes.Parts;
using Replica.Kubernetes.Workers;
using Replica.Kubernetes.Workers.Protocol;

namespace Replica.Kubernetes;

/// <summary>
/// A target's parts as objects in its namespace: a database StatefulSet, worker Jobs that run
/// the same restore and sync engines as the local platform, the stack StatefulSet, the media claim.
/// Everything carries replica's labels, and is removed by them.
/// </summary>
public sealed class KubernetesPlatform : IPlatform
{
    private readonly ReplicaConfig _config;
    private readonly TargetConfig _target;
    private readonly KubernetesPlatformOptions _options;
    private readonly Lazy<IKubernetes> _client;
    private readonly Func<string?, IKubernetes> _clientForContext;
    private readonly Lazy<ClusterTarget> _cluster;

    /// <summary>Credentials from $KUBECONFIG or ~/.kube/config with the target's context (production's workload with its own), else in-cluster.</summary>
    public KubernetesPlatform(ReplicaConfig config, TargetConfig target)
        : this(config, target, null, null, ClusterConnection.Open)
    {
    }

    /// <param name="client">the target's cluster; null opens it from the kubeconfig when first needed.</param>
    /// <param name="clientForContext">opens a kubeconfig context by name (null: the current one): production's, as source.image_tag.kubernetes.context names it.</param>
    public KubernetesPlatform(ReplicaConfig config, TargetConfig target, IKubernetes? client, KubernetesPlatformOptions? options = null,
        Func<string?, IKubernetes>? clientForContext = null)
    {
        _config = config;
        _target = target;
        _options = options ?? new KubernetesPlatformOptions();
        _clientForContext = clientForContext ?? ClusterConnection.Open;
        // Opened lazily: `replica status` builds every target's platform, and a missing kubeconfig must only fail the targets that need it.
        _client = new Lazy<IKubernetes>(() => client ?? _clientForContext(Settings.Context));
        _cluster = new Lazy<ClusterTarget>(() => ClusterTarget.From(config, target, _options.ReplicaImage));
    }

    public string Name => KubernetesModule.PlatformName;

    private IKubernetes K => _client.Value;
    private ClusterTarget T => _cluster.Value;

    private KubernetesTargetSettings Settings => _target.Settings as KubernetesTargetSettings
        ?? throw new RefusedException($"Target '{_target.Name}' has no kubernetes section; give it {{ namespace: NAME }} in replica.yaml.");

    /// <summary>A kubernetes target never lives in production's namespace or a protected target's.</summary>
    public void CheckFootprint(TargetConfig target)
    {
        if (target.Settings is not KubernetesTargetSettings k) return;
        if (_config.Source.ImageTag.OnPlatform is ProductionWorkloadRef prod && prod.Namespace == k.Namespace)
            throw new RefusedException($"Target '{target.Name}' uses namespace '{k.Namespace}', which is production's; give it its own namespace in replica.yaml.");
        foreach (var other in _config.Targets.Values)
            if (other.Protected && (other.Settings as KubernetesTargetSettings)?.Namespace == k.Namespace)
                throw new RefusedException($"Target '{target.Name}' uses namespace '{k.Namespace}', which belongs to protected target '{other.Name}'; give it its own namespace in replica.yaml.");
    }

    public void CheckSources(TargetConfig target, SourceConfig source, bool readsMedia) =>
        SourceChecks.Ensure(target, Settings, source, readsMedia);

    /// <summary>Read through the context source.image_tag.kubernetes names (else the current one), never the target's by implication: production may be on another cluster.</summary>
    public async Task<string> ReadProductionImageTagAsync(PlatformSource workload, CancellationToken ct)
    {
        var w = workload as ProductionWorkloadRef
            ?? throw new RefusedException($"source.image_tag is {workload}, which platform {Name} cannot read; give source.image_tag as file, value or kubernetes.");
        var tag = await ApiFailures.OutsideRunAsync(w.Namespace, () => ProductionWorkload.ReadImageTagAsync(_clientForContext(w.Context), w, ct));
        return tag ?? throw new RefusedException($"Production's {w.Describe()} runs an image pinned by digest only, which names no tag; use source.image_tag.file or value instead.");
    }

    public Task<ListedBackups> ListBackupsAsync(TargetConfig target, VolumeSource backups, bool forPlan, CancellationToken ct)
    {
        EnsureWritableNamespace();
        return ApiFailures.OutsideRunAsync(T.Namespace, () => new BackupVolumeListing(K, T with { DatabaseBackups = backups }, _options).ListAsync(forPlan, ct));
    }

    /// <summary>The backups live on the cluster, which plan does not read; the restore Job checks the profile against the dump as it reads it.</summary>
    public Task<MaskingCheck> CheckMaskingAsync(TargetConfig target, MaskingProfileSpec profile, Backup backup, CancellationToken ct) =>
        Task.FromResult(new MaskingCheck(null,
            $"not checked by plan: backup {backup.Name} is on the cluster's volume, which plan does not read; the restore Job checks the profile against the backup's schema before it loads anything and fails the run if a column is missing or personal data is uncovered"));

    public Task<bool> MediaVolumeExistsAsync(TargetConfig target, CancellationToken ct) =>
        ApiFailures.OutsideRunAsync(T.Namespace, () => new MediaVolume(K, T, _options).ExistsAsync(ct));

    public string MediaLocation(TargetConfig target) =>
        $"pvc {(target.Settings as KubernetesTargetSettings)?.Namespace}/{target.Media.Pvc ?? ObjectNames.DefaultMediaClaim}";

    public Task StopStackAsync(RunContext run) =>
        InRun(() => new StackWorkload(K, T, _options).StopAsync(Logger(run), run.Cancellation));

    /// <summary>A new instance `database-RUN` beside the one that serves; the Service `database` keeps selecting the old one until the switch.</summary>
    public Task<DatabaseEndpoint> CreateDatabaseAsync(RunContext run, string instance) =>
        InRun(async () =>
        {
            await new TargetNamespace(K, T).EnsureAsync(run.RunId, Logger(run), run.Cancellation);
            await ForeignObjects.EnsureNoneAsync(K, T, run.Cancellation);
            return await new DatabaseInstance(K, T, _options).CreateAsync(run, instance, Logger(run), run.Cancellation);
        });

    public Task<RestoreSummary> RestoreDatabaseAsync(RunContext run, Backup backup, string instance) =>
        InRun(async () =>
        {
            if (!backup.Path.StartsWith(ClusterTarget.BackupsMount + "/", StringComparison.Ordinal))
                throw new ReplicaStepException($"Backup {backup.Name} was not listed from the cluster's backup volume ({backup.Path}); list backups through the kubernetes platform.");
            var masking = run.Target.Masking;
            // Labelled with the instance's run: the Job goes with the instance, and reaches it through the instance's own Service.
            var job = WorkerJobs.Restore(T, instance, backup.Path, masked: masking is not null);
            var secrets = new LabelledDeletion(K, T.Namespace, _ => { });
            var maskingSecret = $"{ReplicaLabels.Select(T.Name, Components.Masking)},{ReplicaLabels.Run}={ReplicaLabels.RunValue(instance)}";
            string log;
            try
            {
                if (masking is not null)
                {
                    // The key reaches the worker only through this Secret; it goes as soon as the restore has ended.
                    var document = JsonSerializer.Serialize(MaskingProfiles.Document(Replica.Postgres.Restore.Masking.MaskingProfile.From(masking)), WorkerJson.Default.MaskingProfileDocument);
                    run.Info($"masking profile {masking.Name}: handed to the restore Job in Secret {ObjectNames.MaskingSecret(instance)}, checked against the backup's schema before anything is loaded");
                    await K.CoreV1.CreateNamespacedSecretAsync(MaskingManifests.Secret(T, instance, document), T.Namespace, cancellationToken: run.Cancellation);
                }
                log = await new WorkerJobRun(K, T.Namespace, _options.UnboundClaimGrace).RunAsync(job, "restore", _options.JobTimeout, Leveled(run), run.Cancellation,
                    p => run.Progress.Report(WorkerSummaries.Progress(run.CurrentStep, p)));
            }
            finally
            {
                if (masking is not null) await secrets.DeleteSecretsAsync(maskingSecret, CancellationToken.None);
            }
            var summary = WorkerLog.Summary(log, WorkerJson.Default.RestoreDbSummary)
                ?? throw new ReplicaStepException($"The restore Job {job.Metadata.Name} finished but printed no summary; see 'kubectl -n {T.Namespace} logs job/{job.Metadata.Name}'.");
            if (masking is not null && summary.Masked is not { Count: > 0 })
                throw new ReplicaStepException($"The restore Job {job.Metadata.Name} reports no masked column although target {T.Name} has masking profile {masking.Name}; the instance is not used.");
            foreach (var m in summary.Masked ?? [])
                run.Info($"masked {m.Values:N0} values of {m.Database}.{m.Table}.{m.Column} with {m.Transformer}{(m.Verified ? "; none of the source's values is left in it" : "")}");
            // Restored with fsync off: nothing may use the instance before it runs durable again.
            await new DatabaseHandOver(K, T, _options).RunAsync(instance, Leveled(run), run.Cancellation);
            return WorkerSummaries.Restore(summary);
        });

    /// <summary>
    /// The switch: the stack stops (its Service stays), the Service `database` is pointed at the
    /// instance, the stack starts again. The stack's connection settings never change, so this is
    /// also how a stack is put back on the previous instance.
    /// </summary>
    public Task<StackEndpoint?> StartStackAsync(RunContext run, string imageTag, string instance) =>
        InRun<StackEndpoint?>(async () =>
        {
            var stack = new StackWorkload(K, T, _options);
            await stack.StopAsync(Logger(run), run.Cancellation, keepService: true);
            await new DatabaseAccess(K, T).PointAtAsync(run.RunId, instance, Logger(run), run.Cancellation);
            if (!T.HasStack)
            {
                run.Info($"target {T.Name} has no stack.image; no stack to start");
                return null;
            }
            await new MediaVolume(K, T, _options).EnsureAsync(run.RunId, Logger(run), run.Cancellation);
            return await stack.StartAsync(run, imageTag, instance, Logger(run), run.Cancellation);
        });

    public Task<MediaSummary> SyncMediaAsync(RunContext run, MediaDeletionLimit limit) =>
        InRun(async () =>
        {
            await new MediaVolume(K, T, _options).EnsureAsync(run.RunId, Logger(run), run.Cancellation);
            var job = WorkerJobs.SyncMedia(T, run.RunId, limit.MaxDeletePercent, limit.AllowEmptySource);
            var log = await new WorkerJobRun(K, T.Namespace, _options.UnboundClaimGrace).RunAsync(job, "sync-media", _options.JobTimeout, Leveled(run), run.Cancellation,
                p => run.Progress.Report(WorkerSummaries.Progress(run.CurrentStep, p)));
            var summary = WorkerLog.Summary(log, WorkerJson.Default.SyncMediaSummary)
                ?? throw new ReplicaStepException($"The sync-media Job {job.Metadata.Name} finished but printed no summary; see 'kubectl -n {T.Namespace} logs job/{job.Metadata.Name}'.");
            return WorkerSummaries.Media(summary);
        });

    public Task RemoveDatabaseAsync(RunContext run, string instance) =>
        InRun(() => new DatabaseInstance(K, T, _options).RemoveAsync(instance, Logger(run), run.Cancellation));

    public string? RenderStart(TargetConfig target, string imageTag, string tagSource, string? backupPath, bool dbOnly, string runLabel) =>
        StartRender.Yaml(_config, target, imageTag, tagSource, backupPath, dbOnly, runLabel, _options.ReplicaImage);

    /// <summary>A command step runs on the stack's image, so a target without one can have SQL steps only.</summary>
    public string? Unsupported(TargetConfig target) =>
        target.AfterRestore?.Any(s => s.Command is not null) == true && target.Stack?.Image is null
            ? $"Target '{target.Name}' has after_restore command steps, which run on the stack's image on kubernetes, but no stack.image; set targets.{target.Name}.stack.image or use sql steps."
            : null;

    /// <summary>
    /// One after_restore step as a Job against the new instance's own Service: SQL through `replica worker run-sql`,
    /// a command on the stack's image with the stack's environment pointed at the new instance. Its output goes to the run log.
    /// </summary>
    public Task RunAfterRestoreAsync(RunContext run, AfterRestoreStep step, string instance) =>
        InRun(async () =>
        {
            var steps = run.Target.AfterRestore ?? [step];
            var index = StepNumber(steps, step);
            var what = $"after restore {index}";
            V1Job job;
            if (step.Sql is { } sql)
                job = WorkerJobs.RunSql(T, instance, index, step.Database ?? T.DatabaseName, sql);
            else
            {
                // The stack's tag is production's (the guards allow no other); read again here, as the step is not given it.
                var tag = await ProductionImageTag.ReadAsync(run.Config, this, run.Cancellation);
                job = AfterRestoreJobs.Command(T, instance, index, tag, step.Command!);
            }
            string log;
            try
            {
                log = await new WorkerJobRun(K, T.Namespace, _options.UnboundClaimGrace).RunAsync(job, what, _options.JobTimeout, Leveled(run), run.Cancellation);
            }
            catch (ReplicaStepException e)
            {
                throw new ReplicaStepException($"The after_restore step {index} ({step.Describe()}) failed: {e.Message.TrimEnd('.')}; fix it or targets.{T.Name}.after_restore.", e);
            }
            if (step.Sql is not null && WorkerLog.Summary(log, WorkerJson.Default.RunSqlSummary) is { } done)
                run.Info($"{step.Describe()}: {(done.Rows >= 0 ? $"{done.Rows} row(s)" : "done")}");
        });

    /// <summary>The step's number as the run names it ("after restore N"): by identity, so two equal steps get their own.</summary>
    private static int StepNumber(IReadOnlyList<AfterRestoreStep> steps, AfterRestoreStep step)
    {
        for (int i = 0; i < steps.Count; i++) if (ReferenceEquals(steps[i], step)) return i + 1;
        return steps.ToList().IndexOf(step) + 1;
    }

    public Task<IReadOnlyList<string>> ListDatabasesAsync(TargetConfig target, CancellationToken ct) =>
        ApiFailures.OutsideRunAsync(T.Namespace, () => new DatabaseInstance(K, T, _options).ListAsync(ct));

    public Task RepairAsync(TargetConfig target, string? current, Action<string> report, CancellationToken ct) =>
        ApiFailures.OutsideRunAsync(T.Namespace, async () =>
        {
            EnsureWritableNamespace();
            await new Leftovers(K, T, _options).RepairAsync(report, ct);
            return true;
        });

    public Task<DatabaseFootprint> DatabaseFootprintAsync(TargetConfig target, string? instance, CancellationToken ct) =>
        Task.FromResult(new DatabaseFootprint(null, null, $"namespace {T.Namespace}"));

    public Task RemoveMediaAsync(RunContext run) =>
        InRun(() => new MediaVolume(K, T, _options).RemoveAsync(Logger(run), run.Cancellation));

    /// <summary>Everything else labelled for the target. The namespace stays: it may hold Secrets replica did not create (env_from_secrets).</summary>
    public Task RemoveTargetAsync(RunContext run) =>
        InRun(async () =>
        {
            var delete = new LabelledDeletion(K, T.Namespace, Logger(run));
            var all = ReplicaLabels.SelectTarget(T.Name);
            await delete.DeleteWorkloadsAsync(all, _options.DeletionTimeout, run.Cancellation);
            await delete.DeleteServicesAsync(all, run.Cancellation);
            await delete.DeleteSecretsAsync(all, run.Cancellation);
            await delete.DeleteClaimsAsync(all, run.Cancellation);
            run.Info($"namespace {T.Namespace} is kept (it may hold Secrets replica did not create); delete it with kubectl if it should go");
        });

    public Task<PlatformState> ReadStateAsync(TargetConfig target, string? instance, CancellationToken ct) =>
        ApiFailures.OutsideRunAsync(T.Namespace, async () =>
        {
            var (dbRunning, db) = await new DatabaseInstance(K, T, _options).ReadAsync(instance, ct);
            var (stackRunning, stack) = await new StackWorkload(K, T, _options).ReadAsync(ct);
            var media = await new MediaVolume(K, T, _options).ExistsAsync(ct);
            return new PlatformState(dbRunning, db, stackRunning, stack, media, MediaLocation(target));
        });

    /// <summary>Every write goes through a run of a target whose namespace the guards allow; checked again here, as production's safety should not rest on one caller.</summary>
    private Task<TResult> InRun<TResult>(Func<Task<TResult>> step)
    {
        EnsureWritableNamespace();
        return ApiFailures.InRunAsync(T.Namespace, step);
    }

    private Task InRun(Func<Task> step)
    {
        EnsureWritableNamespace();
        return ApiFailures.InRunAsync(T.Namespace, step);
    }

    private void EnsureWritableNamespace()
    {
        Replica.Core.Guards.WorkflowGuards.EnsureWritable(_target, "start, stop or wipe");
        CheckFootprint(_target);
    }

    private static Action<string> Logger(RunContext run) => run.Info;

    private static Action<LogLevel, string> Leveled(RunContext run) => run.Progress.Log;
}
