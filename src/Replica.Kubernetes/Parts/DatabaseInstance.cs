using k8s;
using k8s.Autorest;
using Replica.Core.Platforms;
using Replica.Core.Workflows;
using Replica.Kubernetes.Cleanup;
using Replica.Kubernetes.Cluster;
using Replica.Kubernetes.Manifests;
using Replica.Kubernetes.Waiting;

namespace Replica.Kubernetes.Parts;

/// <summary>The target's database: a Secret with a generated password, a claim, a StatefulSet and the Service `database`.</summary>
public sealed class DatabaseInstance(IKubernetes k, ClusterTarget t, KubernetesPlatformOptions options)
{
    /// <summary>What belongs to the database and to the Jobs of earlier runs; removed together.</summary>
    private static readonly string[] RemovedComponents = [Components.Database, Components.Restore, Components.SyncMedia, Components.ListBackups];

    public async Task<DatabaseEndpoint> CreateAsync(RunContext run, Action<string> log, CancellationToken ct)
    {
        await RemoveAllAsync(log, ct);
        var password = DatabasePassword.Generate();
        log($"creating Secret {ObjectNames.DatabaseSecret} (generated password), PersistentVolumeClaim {ObjectNames.DatabaseClaim(run.RunId)} ({t.DatabaseSize}), StatefulSet and Service {ObjectNames.Database} ({t.DatabaseImage})");
        await k.CoreV1.CreateNamespacedSecretAsync(DatabaseManifests.Secret(t, run.RunId, password), t.Namespace, cancellationToken: ct);
        await k.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(DatabaseManifests.Claim(t, run.RunId), t.Namespace, cancellationToken: ct);
        await k.AppsV1.CreateNamespacedStatefulSetAsync(DatabaseManifests.StatefulSet(t, run.RunId), t.Namespace, cancellationToken: ct);
        await k.CoreV1.CreateNamespacedServiceAsync(DatabaseManifests.Service(t, run.RunId), t.Namespace, cancellationToken: ct);
        await WorkloadReady.WaitAsync(k, t.Namespace, $"{ReplicaLabels.Select(t.Name, Components.Database)},{ReplicaLabels.Run}={ReplicaLabels.RunValue(run.RunId)}",
            $"the database StatefulSet {ObjectNames.Database}", options.DatabaseReadyTimeout, options.UnboundClaimGrace, run.Progress.Log, d => log($"database: {d}"), ct);
        log($"database ready at {t.DatabaseServiceDns}:{ClusterTarget.DatabasePort}");
        return new DatabaseEndpoint(t.DatabaseServiceDns, ClusterTarget.DatabasePort, t.DatabaseName, ClusterTarget.DatabaseUser, password);
    }

    /// <summary>The instances (the run label of each database StatefulSet) that exist.</summary>
    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken ct)
    {
        var sets = await k.AppsV1.ListNamespacedStatefulSetAsync(t.Namespace, labelSelector: ReplicaLabels.Select(t.Name, Components.Database), cancellationToken: ct);
        return sets.Items.Select(s => s.Metadata.Labels?.TryGetValue(ReplicaLabels.Run, out var r) == true ? r : null)
            .OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The instance's objects (and the Jobs of earlier runs). Idempotent.</summary>
    public async Task RemoveAsync(string instance, Action<string> log, CancellationToken ct)
    {
        var delete = new LabelledDeletion(k, t.Namespace, log);
        var run = $"{ReplicaLabels.Run}={ReplicaLabels.RunValue(instance)}";
        foreach (var c in RemovedComponents)
            await delete.DeleteWorkloadsAsync($"{ReplicaLabels.Select(t.Name, c)},{run}", options.DeletionTimeout, ct);
        var database = $"{ReplicaLabels.Select(t.Name, Components.Database)},{run}";
        await delete.DeleteServicesAsync(database, ct);
        await delete.DeleteSecretsAsync(database, ct);
        await delete.DeleteClaimsAsync(database, ct);
    }

    /// <summary>Workloads and Jobs, then the Service, the Secret and the claim. Idempotent.</summary>
    public async Task RemoveAllAsync(Action<string> log, CancellationToken ct)
    {
        var delete = new LabelledDeletion(k, t.Namespace, log);
        foreach (var c in RemovedComponents)
            await delete.DeleteWorkloadsAsync(ReplicaLabels.Select(t.Name, c), options.DeletionTimeout, ct);
        var database = ReplicaLabels.Select(t.Name, Components.Database);
        await delete.DeleteServicesAsync(database, ct);
        await delete.DeleteSecretsAsync(database, ct);
        await delete.DeleteClaimsAsync(database, ct);
    }

    /// <summary>Whether a database pod is Ready, and where it is (with the password from its Secret).</summary>
    public async Task<(bool Running, DatabaseEndpoint? Endpoint)> ReadAsync(CancellationToken ct)
    {
        var pods = await k.CoreV1.ListNamespacedPodAsync(t.Namespace, labelSelector: ReplicaLabels.Select(t.Name, Components.Database), cancellationToken: ct);
        var running = pods.Items.Any(PodTroubles.IsReady);
        var secret = await ApiErrors.OrNull(() => k.CoreV1.ReadNamespacedSecretAsync(ObjectNames.DatabaseSecret, t.Namespace, cancellationToken: ct));
        if (secret is null || !ReplicaLabels.IsManaged(secret.Metadata)) return (running, null);
        var password = secret.Data?.TryGetValue(DatabaseManifests.PasswordKey, out var bytes) == true
            ? System.Text.Encoding.UTF8.GetString(bytes)
            : secret.StringData is { } plain && plain.TryGetValue(DatabaseManifests.PasswordKey, out var text) ? text : null;
        return password is null ? (running, null)
            : (running, new DatabaseEndpoint(t.DatabaseServiceDns, ClusterTarget.DatabasePort, t.DatabaseName, ClusterTarget.DatabaseUser, password));
    }
}
