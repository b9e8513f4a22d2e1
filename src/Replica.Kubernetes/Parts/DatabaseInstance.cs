using k8s;
using k8s.Models;
using Replica.Core.Platforms;
using Replica.Core.Workflows;
using Replica.Kubernetes.Cleanup;
using Replica.Kubernetes.Cluster;
using Replica.Kubernetes.Manifests;
using Replica.Kubernetes.Waiting;

namespace Replica.Kubernetes.Parts;

/// <summary>
/// The target's database instances, each named by the run that made it: a claim, a StatefulSet and
/// its own Service `database-RUN`, beside any other instance. The stack reaches the current one
/// through <see cref="DatabaseAccess"/>.
/// </summary>
public sealed class DatabaseInstance(IKubernetes k, ClusterTarget t, KubernetesPlatformOptions options)
{
    /// <summary>What carries an instance's run label and goes with it: the instance and the Jobs of the run that made it.</summary>
    private static readonly string[] RunComponents = [Components.Database, .. Components.InstanceJobs, Components.SyncMedia];

    /// <summary>What a replica from before per-run instances called its one instance (its StatefulSet was named `database`).</summary>
    public const string Legacy = TargetReconciler.LegacyInstance;

    public async Task<DatabaseEndpoint> CreateAsync(RunContext run, string instance, Action<string> log, CancellationToken ct)
    {
        var password = await new DatabaseAccess(k, t).EnsureSecretAsync(instance, log, ct);
        var name = ObjectNames.DatabaseInstance(instance);
        log($"creating database instance {instance}: PersistentVolumeClaim {ObjectNames.DatabaseClaim(instance)} ({t.DatabaseSize}), StatefulSet and Service {name} ({t.DatabaseImage})");
        await k.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(DatabaseManifests.Claim(t, instance), t.Namespace, cancellationToken: ct);
        await k.AppsV1.CreateNamespacedStatefulSetAsync(DatabaseManifests.StatefulSet(t, instance), t.Namespace, cancellationToken: ct);
        await k.CoreV1.CreateNamespacedServiceAsync(DatabaseManifests.Service(t, instance), t.Namespace, cancellationToken: ct);
        await WorkloadReady.WaitAsync(k, t.Namespace, PodsOf(instance), $"the database StatefulSet {name}",
            options.DatabaseReadyTimeout, options.UnboundClaimGrace, run.Progress.Log, d => log($"database: {d}"), ct);
        log($"database instance {instance} ready at {name}.{t.Namespace}.svc:{ClusterTarget.DatabasePort}; the stack reaches it at {t.DatabaseServiceDns} once switched");
        return Endpoint(password);
    }

    /// <summary>
    /// The instances that exist, half-made ones included: the run labels of the database StatefulSets,
    /// claims and per-instance Services not already being deleted.
    /// </summary>
    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken ct)
    {
        var selector = ReplicaLabels.Select(t.Name, Components.Database);
        var sets = (await k.AppsV1.ListNamespacedStatefulSetAsync(t.Namespace, labelSelector: selector, cancellationToken: ct)).Items;
        var claims = (await k.CoreV1.ListNamespacedPersistentVolumeClaimAsync(t.Namespace, labelSelector: selector, cancellationToken: ct)).Items;
        var services = (await k.CoreV1.ListNamespacedServiceAsync(t.Namespace, labelSelector: selector, cancellationToken: ct)).Items;
        var legacyRun = LegacyRun(sets);
        return sets.Select(s => s.Metadata).Concat(claims.Select(c => c.Metadata)).Concat(services.Select(s => s.Metadata))
            .Where(m => m.DeletionTimestamp is null)
            .Select(m => m.Labels?.TryGetValue(ReplicaLabels.Run, out var r) == true ? r : null)
            .OfType<string>()
            .Select(r => r == legacyRun ? Legacy : r)
            .Distinct().Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The instance's objects and the Jobs of the run that made it; then, when no other instance
    /// is left, the target's Service and Secret `database` (nothing is left to reach). Idempotent.
    /// </summary>
    public async Task RemoveAsync(string instance, Action<string> log, CancellationToken ct)
    {
        var delete = new LabelledDeletion(k, t.Namespace, log);
        var run = $"{ReplicaLabels.Run}={ReplicaLabels.RunValue(await RunOfAsync(instance, ct) ?? instance)}";
        foreach (var c in RunComponents)
            await delete.DeleteWorkloadsAsync($"{ReplicaLabels.Select(t.Name, c)},{run}", options.DeletionTimeout, ct);
        var database = $"{ReplicaLabels.Select(t.Name, Components.Database)},{run}";
        await delete.DeleteServicesAsync(database, ct);
        await delete.DeleteSecretsAsync(database, ct); // a replica from before per-run instances kept the Secret with the instance
        await delete.DeleteSecretsAsync($"{ReplicaLabels.Select(t.Name, Components.Masking)},{run}", ct); // left by a restore that was interrupted
        await delete.DeleteClaimsAsync(database, ct);
        if ((await ListAsync(ct)).Count == 0) await new DatabaseAccess(k, t).RemoveAsync(log, ct);
    }

    /// <summary>Whether the instance's pod is Ready, and the endpoint the stack uses (the Service `database`, the target's password).</summary>
    public async Task<(bool Running, DatabaseEndpoint? Endpoint)> ReadAsync(string? instance, CancellationToken ct)
    {
        if (instance is null || await RunOfAsync(instance, ct) is not { } run) return (false, null);
        var pods = await k.CoreV1.ListNamespacedPodAsync(t.Namespace, labelSelector: PodsOf(run), cancellationToken: ct);
        var running = pods.Items.Any(p => p.Metadata.DeletionTimestamp is null && PodTroubles.IsReady(p));
        var password = await new DatabaseAccess(k, t).ReadPasswordAsync(ct);
        return (running, password is null ? null : Endpoint(password));
    }

    private string PodsOf(string instance) => PodsOf(t, instance);

    /// <summary>The pods of one instance.</summary>
    public static string PodsOf(ClusterTarget t, string instance) => $"{ReplicaLabels.Select(t.Name, Components.Database)},{ReplicaLabels.Run}={ReplicaLabels.RunValue(instance)}";

    private DatabaseEndpoint Endpoint(string password) =>
        new(t.DatabaseServiceDns, ClusterTarget.DatabasePort, t.DatabaseName, ClusterTarget.DatabaseUser, password);

    /// <summary>The run label of the instance's objects: the instance's own name, except for the legacy one (null when it is gone).</summary>
    private async Task<string?> RunOfAsync(string instance, CancellationToken ct)
    {
        if (instance != Legacy) return instance;
        var sets = await k.AppsV1.ListNamespacedStatefulSetAsync(t.Namespace, labelSelector: ReplicaLabels.Select(t.Name, Components.Database), cancellationToken: ct);
        return LegacyRun(sets.Items);
    }

    private static string? LegacyRun(IEnumerable<V1StatefulSet> sets) =>
        sets.FirstOrDefault(s => s.Metadata.Name == ObjectNames.Database)?.Metadata is { } m ? ReplicaLabels.Value(m, ReplicaLabels.Run) : null;
}
