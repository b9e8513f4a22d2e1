using k8s;
using k8s.Autorest;
using k8s.Models;
using Replica.Kubernetes.Cleanup;
using Replica.Kubernetes.Cluster;
using Replica.Kubernetes.Manifests;

namespace Replica.Kubernetes.Parts;

/// <summary>
/// How the stack reaches the database it runs on: the Secret `database` (connection settings, one
/// generated password per target) and the Service `database`, whose selector names the current
/// instance. Both keep their names and contents across refreshes, so the switch of a refresh is
/// one change of the Service's selector: there is no moment at which the settings the stack reads
/// and the instance the Service selects disagree, whatever interrupts the run.
/// </summary>
public sealed class DatabaseAccess(IKubernetes k, ClusterTarget t)
{
    /// <summary>The target's password: the existing Secret's, or a new one in a new Secret (labelled with <paramref name="run"/>).</summary>
    public async Task<string> EnsureSecretAsync(string run, Action<string> log, CancellationToken ct)
    {
        var existing = await ApiErrors.OrNull(() => k.CoreV1.ReadNamespacedSecretAsync(ObjectNames.DatabaseSecret, t.Namespace, cancellationToken: ct));
        if (existing is not null && ReplicaLabels.IsManaged(existing.Metadata) && Password(existing) is { } kept)
        {
            await AdoptAsync(existing.Metadata, (patch, c) => k.CoreV1.PatchNamespacedSecretAsync(patch, ObjectNames.DatabaseSecret, t.Namespace, cancellationToken: c), ct);
            log($"Secret {ObjectNames.DatabaseSecret} exists: the new instance gets the same password, so the stack's connection settings stay as they are");
            return kept;
        }
        var password = DatabasePassword.Generate();
        log($"creating Secret {ObjectNames.DatabaseSecret} (generated password)");
        await k.CoreV1.CreateNamespacedSecretAsync(DatabaseManifests.Secret(t, run, password), t.Namespace, cancellationToken: ct);
        return password;
    }

    public async Task<string?> ReadPasswordAsync(CancellationToken ct)
    {
        var secret = await ApiErrors.OrNull(() => k.CoreV1.ReadNamespacedSecretAsync(ObjectNames.DatabaseSecret, t.Namespace, cancellationToken: ct));
        return secret is not null && ReplicaLabels.IsManaged(secret.Metadata) ? Password(secret) : null;
    }

    /// <summary>Points the Service `database` at <paramref name="instance"/>: creates it, or changes only its selector. The switch of a refresh.</summary>
    public async Task PointAtAsync(string run, string instance, Action<string> log, CancellationToken ct)
    {
        var existing = await ApiErrors.OrNull(() => k.CoreV1.ReadNamespacedServiceAsync(ObjectNames.Database, t.Namespace, cancellationToken: ct));
        if (existing is null)
        {
            log($"creating Service {ObjectNames.Database}, selecting database instance {instance}");
            await k.CoreV1.CreateNamespacedServiceAsync(DatabaseManifests.AccessService(t, run, instance), t.Namespace, cancellationToken: ct);
            return;
        }
        if (SelectedInstance(existing) == ReplicaLabels.RunValue(instance)) return;
        log($"Service {ObjectNames.Database} now selects database instance {instance}{(SelectedInstance(existing) is { } before ? $" (was {before})" : "")}");
        await AdoptAsync(existing.Metadata, (patch, c) => k.CoreV1.PatchNamespacedServiceAsync(patch, ObjectNames.Database, t.Namespace, cancellationToken: c), ct);
        var selector = new V1Patch(new { spec = new { selector = DatabaseManifests.InstanceSelector(t, instance) } }, V1Patch.PatchType.MergePatch);
        await k.CoreV1.PatchNamespacedServiceAsync(selector, ObjectNames.Database, t.Namespace, cancellationToken: ct);
    }

    /// <summary>The instance the Service `database` selects; null when there is no such Service (or it selects no one instance).</summary>
    public async Task<string?> SelectedInstanceAsync(CancellationToken ct) =>
        await ApiErrors.OrNull(() => k.CoreV1.ReadNamespacedServiceAsync(ObjectNames.Database, t.Namespace, cancellationToken: ct)) is { } s
            && ReplicaLabels.IsManaged(s.Metadata) ? SelectedInstance(s) : null;

    /// <summary>The Service and the Secret; when the target has no database instance left. Idempotent.</summary>
    public async Task RemoveAsync(Action<string> log, CancellationToken ct)
    {
        var delete = new LabelledDeletion(k, t.Namespace, log);
        var access = ReplicaLabels.Select(t.Name, Components.DatabaseAccess);
        await delete.DeleteServicesAsync(access, ct);
        await delete.DeleteSecretsAsync(access, ct);
    }

    /// <summary>Whether either object exists (a leftover when no instance does).</summary>
    public async Task<bool> ExistsAsync(CancellationToken ct)
    {
        var access = ReplicaLabels.Select(t.Name, Components.DatabaseAccess);
        return (await k.CoreV1.ListNamespacedServiceAsync(t.Namespace, labelSelector: access, cancellationToken: ct)).Items.Count > 0
            || (await k.CoreV1.ListNamespacedSecretAsync(t.Namespace, labelSelector: access, cancellationToken: ct)).Items.Count > 0;
    }

    /// <summary>
    /// A Service or Secret `database` made by a replica from before per-run instances carries the
    /// database's component label, and would go with that instance: relabelled, it stays with the target.
    /// </summary>
    private static async Task AdoptAsync(V1ObjectMeta meta, Func<V1Patch, CancellationToken, Task> patch, CancellationToken ct)
    {
        if (meta.Labels?.TryGetValue(ReplicaLabels.Component, out var c) == true && c == Components.DatabaseAccess) return;
        var labels = new Dictionary<string, string> { [ReplicaLabels.Component] = Components.DatabaseAccess };
        await patch(new V1Patch(new { metadata = new { labels } }, V1Patch.PatchType.MergePatch), ct);
    }

    private static string? SelectedInstance(V1Service s) =>
        s.Spec?.Selector?.TryGetValue(ReplicaLabels.Run, out var run) == true ? run : null;

    private static string? Password(V1Secret secret) =>
        secret.Data?.TryGetValue(DatabaseManifests.PasswordKey, out var bytes) == true
            ? System.Text.Encoding.UTF8.GetString(bytes)
            : secret.StringData is { } plain && plain.TryGetValue(DatabaseManifests.PasswordKey, out var text) ? text : null;
}
