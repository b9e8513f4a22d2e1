using Replica.Core.Config;

namespace Replica.Kubernetes.Manifests;

/// <summary>
/// What `replica render start TARGET` prints: the start run's manifests as multi-document YAML
/// with a header saying what was decided and what is a placeholder. Builds only; never calls the cluster.
/// </summary>
public static class StartRender
{
    public const string BackupPlaceholder = "REPLACE-WITH-BACKUP-PATH";

    /// <param name="backupRelativePath">the backup's path under the backup volume (hourly/backup-…); null prints a placeholder.</param>
    /// <param name="run">the value of the replica/run label on every object.</param>
    public static string Yaml(ReplicaConfig config, TargetConfig target, string imageTag, string imageTagOrigin,
        string? backupRelativePath, bool dbOnly, string run, string? replicaImage = null)
    {
        var t = ClusterTarget.From(config, target, replicaImage);
        var backupPath = $"{ClusterTarget.BackupsMount}/{(backupRelativePath ?? BackupPlaceholder).TrimStart('/')}";
        var objects = StartManifests.Build(t, run, imageTag, backupPath, dbOnly, masked: target.Masking is not null);
        var header = string.Join('\n',
        [
            $"replica render start {target.Name}{(dbOnly ? " --db-only" : "")}: the objects a start run creates in namespace {t.Namespace}, in order. Nothing was changed.",
            $"image tag {imageTag} ({imageTagOrigin}); worker image {t.ReplicaImage}; run label {ReplicaLabels.RunValue(run)}.",
            $"Secret {ObjectNames.DatabaseSecret}: the password is the placeholder {StartManifests.PasswordPlaceholder}; the first run generates one, later runs keep it.",
            backupRelativePath is null
                ? $"Job {ObjectNames.RestoreJob(run)}: --backup is {backupPath}; a run lists the backup volume and puts the chosen backup's path there (see 'replica backups', e.g. hourly/backup-2026-11-24T02:04:07Z-dumpall.sql.gz)."
                : $"Job {ObjectNames.RestoreJob(run)}: restores {backupPath}.",
            $"StatefulSet {ObjectNames.DatabaseInstance(run)} runs its server with bulk-load settings (postgres -c fsync=off …) for the restore; Job {ObjectNames.RestoreJob(run)} waits for it, the stack waits until it runs durable (fsync on).",
            $"A run hands it over durable itself. Applied by hand, once Job {ObjectNames.RestoreJob(run)} has completed, run: {HandOverCommand(t, run)}",
            $"(the pod restarts without the bulk-load settings after its volume is flushed), then: kubectl -n {t.Namespace} exec {ObjectNames.DatabaseInstance(run)}-0 -- psql -U {ClusterTarget.DatabaseUser} -c CHECKPOINT",
            .. target.Masking is { } profile
                ? new[] { $"Secret {ObjectNames.MaskingSecret(run)}: the masking profile {profile.Name} with its key is the placeholder {MaskingManifests.Placeholder}; a run writes it from the profile (never printed) and deletes it once the restore has ended." }
                : [],
            .. target.AfterRestore is { Count: > 0 } steps
                ? new[] { $"after_restore: {steps.Count} step(s) are not rendered; a run runs each as a Job (after-restore-N-…) against {ObjectNames.DatabaseInstance(run)} after the hand-over, before the stack starts." }
                : [],
            $"A run applies these one step at a time and waits for each to be ready. On a target that runs, the new instance {ObjectNames.DatabaseInstance(run)} is prepared beside the running one (Secret and Service {ObjectNames.Database} exist already and stay); the switch points Service {ObjectNames.Database} at it and restarts the stack, then the previous instance is removed.",
        ]);
        return ManifestYaml.Write(objects, header);
    }

    /// <summary>The kubectl command that hands the instance over as a run does (<see cref="DatabaseManifests.HandOverPatch"/>).</summary>
    public static string HandOverCommand(ClusterTarget t, string run) =>
        $"kubectl -n {t.Namespace} patch statefulset {ObjectNames.DatabaseInstance(run)} --type=json -p '{k8s.KubernetesJson.Serialize(DatabaseManifests.HandOverPatch(t))}'";
}
