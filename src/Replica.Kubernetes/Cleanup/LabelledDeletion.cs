using k8s;
using k8s.Models;
using Replica.Kubernetes.Cluster;
using Replica.Kubernetes.Waiting;

namespace Replica.Kubernetes.Cleanup;

/// <summary>
/// Deletes what replica made, found by label selector (never by guessed names), so a
/// half-created target goes as completely as a finished one. Absent objects are fine.
/// </summary>
public sealed class LabelledDeletion(IKubernetes k, string ns, Action<string> log)
{
    private static readonly V1DeleteOptions Background = new() { PropagationPolicy = "Background" };

    /// <summary>Workloads first, so nothing recreates pods while they go; then their pods, and waits until those are gone.</summary>
    public async Task DeleteWorkloadsAsync(string selector, TimeSpan podsTimeout, CancellationToken ct)
    {
        foreach (var s in (await k.AppsV1.ListNamespacedStatefulSetAsync(ns, labelSelector: selector, cancellationToken: ct)).Items)
        {
            log($"deleting StatefulSet {s.Metadata.Name}");
            await ApiErrors.IgnoreNotFound(() => k.AppsV1.DeleteNamespacedStatefulSetAsync(s.Metadata.Name, ns, body: Background, cancellationToken: ct));
        }
        foreach (var j in (await k.BatchV1.ListNamespacedJobAsync(ns, labelSelector: selector, cancellationToken: ct)).Items)
        {
            log($"deleting Job {j.Metadata.Name}");
            await ApiErrors.IgnoreNotFound(() => k.BatchV1.DeleteNamespacedJobAsync(j.Metadata.Name, ns, body: Background, cancellationToken: ct));
        }
        // Pods carry the same labels; deleting them directly does not depend on the garbage collector's pace.
        foreach (var p in (await k.CoreV1.ListNamespacedPodAsync(ns, labelSelector: selector, cancellationToken: ct)).Items)
            if (p.Metadata.DeletionTimestamp is null)
                await ApiErrors.IgnoreNotFound(() => k.CoreV1.DeleteNamespacedPodAsync(p.Metadata.Name, ns, cancellationToken: ct));
        await PodsGoneAsync(selector, podsTimeout, ct);
    }

    public async Task DeleteServicesAsync(string selector, CancellationToken ct)
    {
        foreach (var s in (await k.CoreV1.ListNamespacedServiceAsync(ns, labelSelector: selector, cancellationToken: ct)).Items)
        {
            log($"deleting Service {s.Metadata.Name}");
            await ApiErrors.IgnoreNotFound(() => k.CoreV1.DeleteNamespacedServiceAsync(s.Metadata.Name, ns, cancellationToken: ct));
        }
    }

    public async Task DeleteSecretsAsync(string selector, CancellationToken ct)
    {
        foreach (var s in (await k.CoreV1.ListNamespacedSecretAsync(ns, labelSelector: selector, cancellationToken: ct)).Items)
        {
            log($"deleting Secret {s.Metadata.Name}");
            await ApiErrors.IgnoreNotFound(() => k.CoreV1.DeleteNamespacedSecretAsync(s.Metadata.Name, ns, cancellationToken: ct));
        }
    }

    /// <summary>Claims are not waited on: a claim in use stays (pvc-protection) until its pod is gone, then goes by itself.</summary>
    public async Task DeleteClaimsAsync(string selector, CancellationToken ct)
    {
        foreach (var c in (await k.CoreV1.ListNamespacedPersistentVolumeClaimAsync(ns, labelSelector: selector, cancellationToken: ct)).Items)
        {
            if (c.Metadata.DeletionTimestamp is not null) continue;
            log($"deleting PersistentVolumeClaim {c.Metadata.Name}");
            await ApiErrors.IgnoreNotFound(() => k.CoreV1.DeleteNamespacedPersistentVolumeClaimAsync(c.Metadata.Name, ns, cancellationToken: ct));
        }
    }

    private async Task PodsGoneAsync(string selector, TimeSpan timeout, CancellationToken ct)
    {
        var wait = new ChangeWait();
        await using var pods = new ObjectWatch<V1Pod>(WatchedKinds.Pods(k, ns), selector, wait.Changed, ct);
        try
        {
            await wait.UntilAsync(() => !pods.Listed ? new WaitCheck.Waiting("listing pods")
                    : pods.Objects.Count == 0 ? WaitCheck.Finished
                    : new WaitCheck.Waiting($"{pods.Objects.Count} pod(s) terminating: {string.Join(", ", pods.Objects.Select(p => p.Metadata.Name).Order())}"),
                () => pods.Failure, timeout, "the pods to go", null, ct);
        }
        catch (WaitFailedException e)
        {
            throw new Replica.Core.Workflows.ReplicaStepException($"Pods in namespace {ns} did not go: {e.Message}; check them with 'kubectl -n {ns} get pods -l {selector}'.");
        }
    }
}
