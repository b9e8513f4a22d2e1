using k8s;
using k8s.Models;
using Replica.Core.Progress;
using Replica.Core.Workflows;
using Replica.Kubernetes.Manifests;
using Replica.Kubernetes.Waiting;
using Replica.Kubernetes.Workers;
using Replica.Kubernetes.Workers.Protocol;

namespace Replica.Kubernetes.Parts;

/// <summary>
/// Hands a restored instance over durable, as the local platform does with its own server: the StatefulSet's
/// template loses the bulk-load arguments and gains a flush of the data volume before the server starts
/// (<see cref="DatabaseManifests.HandOverPatch"/>), the controller replaces the pod on the same claim, and once
/// the new pod is Ready a Job (`replica worker hand-over`) reads the server's settings and checkpoints it. The
/// platform checks the settings the Job reports itself; nothing uses the instance before this has passed.
/// </summary>
public sealed class DatabaseHandOver(IKubernetes k, ClusterTarget t, KubernetesPlatformOptions options)
{
    public async Task<HandOverSummary> RunAsync(string instance, Action<LogLevel, string> log, CancellationToken ct)
    {
        void Info(string line) => log(LogLevel.Info, line);
        var name = ObjectNames.DatabaseInstance(instance);
        var set = await k.AppsV1.ReadNamespacedStatefulSetAsync(name, t.Namespace, cancellationToken: ct);
        var pods = DatabaseInstance.PodsOf(t, instance);
        if (DatabaseManifests.IsBulkLoad(set))
        {
            var before = (await k.CoreV1.ListNamespacedPodAsync(t.Namespace, labelSelector: pods, cancellationToken: ct)).Items
                .Select(p => p.Metadata.Uid).ToHashSet(StringComparer.Ordinal);
            Info($"handing database instance {instance} over durable: its server restarts without the bulk-load settings, after a flush of its volume ({DatabaseManifests.FlushContainer}: sync -f {DatabaseManifests.DataMount})");
            await k.AppsV1.PatchNamespacedStatefulSetAsync(new V1Patch(DatabaseManifests.HandOverPatch(t), V1Patch.PatchType.JsonPatch), name, t.Namespace, cancellationToken: ct);
            await WorkloadReady.WaitAsync(k, t.Namespace, pods, $"the database StatefulSet {name}, restarted durable", options.DatabaseReadyTimeout,
                options.UnboundClaimGrace, log, d => Info($"database: {d}"), ct, counts: p => !before.Contains(p.Metadata.Uid));
        }
        var job = WorkerJobs.HandOver(t, instance);
        var output = await new WorkerJobRun(k, t.Namespace, options.UnboundClaimGrace).RunAsync(job, "hand-over", options.JobTimeout, log, ct);
        var summary = WorkerLog.Summary(output, WorkerJson.Default.HandOverSummary)
            ?? throw new ReplicaStepException($"The hand-over Job {job.Metadata.Name} finished but printed no summary; see 'kubectl -n {t.Namespace} logs job/{job.Metadata.Name}'.");
        if (!summary.Durable || !summary.Checkpointed)
            throw new ReplicaStepException($"Database instance {instance} reports {summary.Describe()} after its hand-over, which is not durable; it is not used.");
        Info($"database instance {instance} is durable: {summary.Describe()}; checkpoint done");
        return summary;
    }
}
