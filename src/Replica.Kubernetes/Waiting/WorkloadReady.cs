using k8s;
using k8s.Models;
using Replica.Core.Progress;
using Replica.Kubernetes.Diagnostics;

namespace Replica.Kubernetes.Waiting;

/// <summary>Waits until a pod of a workload is Ready, failing as soon as one is visibly stuck.</summary>
public static class WorkloadReady
{
    /// <param name="counts">which pods count (a restart waits for the new pod, not the old one that is still Ready); default all.</param>
    /// <exception cref="Replica.Core.Workflows.ReplicaStepException">a pod is stuck or the timeout passed; the pod's log and events are logged first.</exception>
    public static async Task WaitAsync(IKubernetes k, string ns, string podSelector, string what, TimeSpan timeout,
        TimeSpan unboundGrace, Action<LogLevel, string> log, Action<string>? progress, CancellationToken ct, Func<V1Pod, bool>? counts = null)
    {
        var wait = new ChangeWait();
        await using var pods = new ObjectWatch<V1Pod>(WatchedKinds.Pods(k, ns), podSelector, wait.Changed, ct);
        // The StatefulSet carries the pods' labels; its FailedCreate events say why no pod appears.
        await using var sets = new ObjectWatch<V1StatefulSet>(WatchedKinds.StatefulSets(k, ns), podSelector, wait.Changed, ct);
        await using var events = new ObjectWatch<Corev1Event>(WatchedKinds.Events(k, ns), "involvedObject.kind=StatefulSet", wait.Changed, ct);
        var pending = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var creation = new CreationFailures(unboundGrace);
        try
        {
            await wait.UntilAsync(() => Check(pods, sets, events, pending, creation, unboundGrace, counts ?? (_ => true)), () => pods.Failure ?? sets.Failure ?? events.Failure, timeout, what, progress, ct);
        }
        catch (WaitFailedException e)
        {
            throw await StuckPodReport.FailureAsync(k, ns, char.ToUpperInvariant(what[0]) + what[1..], e, log, ct);
        }
    }

    private static WaitCheck Check(ObjectWatch<V1Pod> pods, ObjectWatch<V1StatefulSet> sets, ObjectWatch<Corev1Event> events,
        Dictionary<string, DateTimeOffset> pending, CreationFailures creation, TimeSpan grace, Func<V1Pod, bool> counts)
    {
        if (!pods.Listed || !sets.Listed || !events.Listed) return new WaitCheck.Waiting("listing pods, their StatefulSet and its events");
        var now = DateTimeOffset.UtcNow;
        var current = pods.Objects.Where(p => p.Metadata.DeletionTimestamp is null && counts(p)).OrderBy(p => p.Metadata.Name, StringComparer.Ordinal).ToList();
        foreach (var set in sets.Objects.Where(s => s.Metadata.DeletionTimestamp is null))
        {
            var hasPod = current.Any(p => p.Metadata.OwnerReferences?.Any(o => o.Uid == set.Metadata.Uid) == true);
            if (creation.Find("StatefulSet", set, events.Objects, hasPod, now) is { } refused) return new WaitCheck.Stuck(refused, null, null);
        }
        foreach (var pod in current)
        {
            if (PodTroubles.IsReady(pod)) return WaitCheck.Finished;
            if (PodTroubles.Find(pod, now, pending, grace) is { } trouble)
                return new WaitCheck.Stuck(trouble.ToString(), pod.Metadata.Name, FirstContainer(pod));
        }
        if (current.Count == 0)
            return new WaitCheck.Waiting(sets.Objects.Select(s => CreationFailures.Pending(s, events.Objects)).FirstOrDefault(m => m is not null) is { } why
                ? $"no pod yet (FailedCreate: {why})" : "no pod yet");
        var p = current[0];
        return new WaitCheck.Waiting($"pod {p.Metadata.Name} {Describe(p)}", p.Metadata.Name, FirstContainer(p));
    }

    internal static string? FirstContainer(V1Pod pod) => pod.Spec?.Containers?.FirstOrDefault()?.Name;

    /// <summary>"Pending (ContainerCreating)", "Running, not ready" (or "Running" for a pod that is not awaited Ready).</summary>
    internal static string Describe(V1Pod pod, bool awaitsReady = true)
    {
        var phase = pod.Status?.Phase ?? "Pending";
        var waiting = pod.Status?.ContainerStatuses?.Select(c => c.State?.Waiting?.Reason).FirstOrDefault(r => r is not null);
        if (waiting is not null) return $"{phase} ({waiting})";
        return phase == "Running" && awaitsReady ? "Running, not ready" : phase;
    }
}
