using k8s;
using k8s.Autorest;
using Replica.Core.Platforms;
using Replica.Core.Workflows;
using Replica.Kubernetes.Cleanup;
using Replica.Kubernetes.Cluster;
using Replica.Kubernetes.Manifests;
using Replica.Kubernetes.Waiting;

namespace Replica.Kubernetes.Parts;

/// <summary>
/// The stack StatefulSet and Service: started on production's tag, connected to the database
/// instance the Service `database` selects. The Service `stack` stays across restarts, so the
/// stack's address never changes; only stop removes it.
/// </summary>
public sealed class StackWorkload(IKubernetes k, ClusterTarget t, KubernetesPlatformOptions options)
{
    /// <param name="keepService">a restart (the switch, an upgrade): the Service stays, and with it the address.</param>
    public async Task StopAsync(Action<string> log, CancellationToken ct, bool keepService = false)
    {
        var delete = new LabelledDeletion(k, t.Namespace, log);
        var stack = ReplicaLabels.Select(t.Name, Components.Stack);
        await delete.DeleteWorkloadsAsync(stack, options.DeletionTimeout, ct);
        if (!keepService) await delete.DeleteServicesAsync(stack, ct);
    }

    /// <param name="instance">the database instance the stack runs on, recorded on the StatefulSet (a repair stops a stack whose instance is gone).</param>
    public async Task<StackEndpoint> StartAsync(RunContext run, string imageTag, string instance, Action<string> log, CancellationToken ct)
    {
        var set = StackManifests.StatefulSet(t, run.RunId, imageTag);
        set.Metadata.Labels[ReplicaLabels.DatabaseInstance] = ReplicaLabels.RunValue(instance);
        log($"creating StatefulSet {ObjectNames.Stack} ({set.Spec.Template.Spec.Containers[0].Image}, database instance {instance})");
        await k.AppsV1.CreateNamespacedStatefulSetAsync(set, t.Namespace, cancellationToken: ct);
        try { await k.CoreV1.CreateNamespacedServiceAsync(StackManifests.Service(t, run.RunId), t.Namespace, cancellationToken: ct); }
        catch (HttpOperationException e) when (e.IsConflict()) { }
        var timeout = options.StackReadyTimeout ?? TimeSpan.FromSeconds(t.Stack!.ReadyTimeoutSeconds);
        await WorkloadReady.WaitAsync(k, t.Namespace, $"{ReplicaLabels.Select(t.Name, Components.Stack)},{ReplicaLabels.Run}={ReplicaLabels.RunValue(run.RunId)}",
            $"the stack StatefulSet {ObjectNames.Stack}", timeout, options.UnboundClaimGrace, run.Progress.Log, d => log($"stack: {d}"), ct);
        return new StackEndpoint(StackManifests.Url(t));
    }

    /// <summary>The database instance each stack StatefulSet was started on (null: started by a replica that did not record it).</summary>
    public async Task<IReadOnlyList<string?>> InstancesAsync(CancellationToken ct) =>
        (await k.AppsV1.ListNamespacedStatefulSetAsync(t.Namespace, labelSelector: ReplicaLabels.Select(t.Name, Components.Stack), cancellationToken: ct)).Items
            .Where(s => s.Metadata.DeletionTimestamp is null)
            .Select(s => ReplicaLabels.Value(s.Metadata, ReplicaLabels.DatabaseInstance)).ToList();

    public async Task<(bool Running, StackEndpoint? Endpoint)> ReadAsync(CancellationToken ct)
    {
        if (!t.HasStack) return (false, null);
        var pods = await k.CoreV1.ListNamespacedPodAsync(t.Namespace, labelSelector: ReplicaLabels.Select(t.Name, Components.Stack), cancellationToken: ct);
        return pods.Items.Any(PodTroubles.IsReady) ? (true, new StackEndpoint(StackManifests.Url(t))) : (false, null);
    }
}
