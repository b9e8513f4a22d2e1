using k8s;
using k8s.Autorest;
using Replica.Core.Platforms;
using Replica.Core.Workflows;
using Replica.Kubernetes.Cleanup;
using Replica.Kubernetes.Cluster;
using Replica.Kubernetes.Manifests;
using Replica.Kubernetes.Waiting;

namespace Replica.Kubernetes.Parts;

/// <summary>The stack StatefulSet and Service: stopped before the database is replaced, started on production's tag.</summary>
public sealed class StackWorkload(IKubernetes k, ClusterTarget t, KubernetesPlatformOptions options)
{
    public async Task StopAsync(Action<string> log, CancellationToken ct)
    {
        var delete = new LabelledDeletion(k, t.Namespace, log);
        var stack = ReplicaLabels.Select(t.Name, Components.Stack);
        await delete.DeleteWorkloadsAsync(stack, options.DeletionTimeout, ct);
        await delete.DeleteServicesAsync(stack, ct);
    }

    public async Task<StackEndpoint> StartAsync(RunContext run, string imageTag, Action<string> log, CancellationToken ct)
    {
        var set = StackManifests.StatefulSet(t, run.RunId, imageTag);
        log($"creating StatefulSet and Service {ObjectNames.Stack} ({set.Spec.Template.Spec.Containers[0].Image})");
        await k.AppsV1.CreateNamespacedStatefulSetAsync(set, t.Namespace, cancellationToken: ct);
        try { await k.CoreV1.CreateNamespacedServiceAsync(StackManifests.Service(t, run.RunId), t.Namespace, cancellationToken: ct); }
        catch (HttpOperationException e) when (e.IsConflict()) { }
        var timeout = options.StackReadyTimeout ?? TimeSpan.FromSeconds(t.Stack!.ReadyTimeoutSeconds);
        await WorkloadReady.WaitAsync(k, t.Namespace, $"{ReplicaLabels.Select(t.Name, Components.Stack)},{ReplicaLabels.Run}={ReplicaLabels.RunValue(run.RunId)}",
            $"the stack StatefulSet {ObjectNames.Stack}", timeout, options.UnboundClaimGrace, run.Progress.Log, d => log($"stack: {d}"), ct);
        return new StackEndpoint(StackManifests.Url(t));
    }

    public async Task<(bool Running, StackEndpoint? Endpoint)> ReadAsync(CancellationToken ct)
    {
        if (!t.HasStack) return (false, null);
        var pods = await k.CoreV1.ListNamespacedPodAsync(t.Namespace, labelSelector: ReplicaLabels.Select(t.Name, Components.Stack), cancellationToken: ct);
        return pods.Items.Any(PodTroubles.IsReady) ? (true, new StackEndpoint(StackManifests.Url(t))) : (false, null);
    }
}
