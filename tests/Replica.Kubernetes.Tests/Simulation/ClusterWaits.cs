using k8s;
using k8s.Models;

namespace Replica.Kubernetes.Tests.Simulation;

/// <summary>Bounded waits on common states through the real client, each failing with what it last saw.</summary>
public static class ClusterWaits
{
    public static Task<V1StatefulSet> StatefulSetReady(IKubernetes client, string ns, string name, int replicas) =>
        Eventually.Get(() => client.AppsV1.ReadNamespacedStatefulSetAsync(name, ns),
            s => (s.Status?.ReadyReplicas ?? 0) == replicas && (s.Status?.Replicas ?? 0) == replicas,
            $"StatefulSet {ns}/{name} to have {replicas} ready replicas");

    public static Task<V1Job> JobFinished(IKubernetes client, string ns, string name) =>
        Eventually.Get(() => client.BatchV1.ReadNamespacedJobAsync(name, ns),
            j => j.Status?.Conditions?.Any(c => c.Type is "Complete" or "Failed" && c.Status == "True") == true,
            $"Job {ns}/{name} to complete or fail");

    public static async Task<V1Pod> OnlyPod(IKubernetes client, string ns, string labelSelector) =>
        (await Eventually.Get(() => client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: labelSelector),
            l => l.Items.Count == 1, $"exactly one pod matching {labelSelector} in {ns}")).Items[0];

    public static async Task<string> Log(IKubernetes client, string ns, string pod, int? tailLines = null)
    {
        using var stream = await client.CoreV1.ReadNamespacedPodLogAsync(pod, ns, tailLines: tailLines);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }
}
