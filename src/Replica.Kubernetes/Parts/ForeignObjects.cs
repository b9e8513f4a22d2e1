using k8s;
using Replica.Core.Workflows;
using Replica.Kubernetes.Cluster;
using Replica.Kubernetes.Manifests;

namespace Replica.Kubernetes.Parts;

/// <summary>
/// Objects with the names replica gives its own, but made by someone else (say, the stack of the
/// system replica replaces). replica never deletes them, and creating its own would fail late in
/// a run, so a start refuses before it changes anything.
/// </summary>
public static class ForeignObjects
{
    public static async Task EnsureNoneAsync(IKubernetes k, ClusterTarget t, CancellationToken ct)
    {
        var found = new List<string>();
        async Task Check(string kind, Func<Task<k8s.Models.V1ObjectMeta?>> read)
        {
            if (await read() is { } meta && !ReplicaLabels.IsManaged(meta)) found.Add($"{kind} {meta.Name}");
        }
        await Check("Service", async () => (await ApiErrors.OrNull(() => k.CoreV1.ReadNamespacedServiceAsync(ObjectNames.Database, t.Namespace, cancellationToken: ct)))?.Metadata);
        await Check("Secret", async () => (await ApiErrors.OrNull(() => k.CoreV1.ReadNamespacedSecretAsync(ObjectNames.DatabaseSecret, t.Namespace, cancellationToken: ct)))?.Metadata);
        if (t.HasStack)
        {
            await Check("StatefulSet", async () => (await ApiErrors.OrNull(() => k.AppsV1.ReadNamespacedStatefulSetAsync(ObjectNames.Stack, t.Namespace, cancellationToken: ct)))?.Metadata);
            await Check("Service", async () => (await ApiErrors.OrNull(() => k.CoreV1.ReadNamespacedServiceAsync(ObjectNames.Stack, t.Namespace, cancellationToken: ct)))?.Metadata);
        }
        if (found.Count > 0)
            throw new ReplicaStepException($"Namespace {t.Namespace} already has {string.Join(", ", found)} that replica did not create (no {ReplicaLabels.ManagedBy}={ReplicaLabels.ManagedByValue} label); replica never deletes what it did not make, so remove or rename {(found.Count == 1 ? "it" : "them")} (or give the target another namespace) and start again.");
    }
}
