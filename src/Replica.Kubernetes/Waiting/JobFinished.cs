using k8s;
using k8s.Models;
using Replica.Kubernetes.Manifests;

namespace Replica.Kubernetes.Waiting;

/// <summary>
/// Waits until a Job completes, failing as soon as the Job fails or its pod is visibly stuck.
/// Returns the name of the pod that ran it (its log holds the worker's summary).
/// </summary>
public static class JobFinished
{
    public static async Task<string?> WaitAsync(IKubernetes k, string ns, string job, TimeSpan timeout,
        TimeSpan unboundGrace, Action<string>? progress, CancellationToken ct)
    {
        var selector = $"{ReplicaLabels.Job}={job}";
        var wait = new ChangeWait();
        await using var jobs = new ObjectWatch<V1Job>(WatchedKinds.Jobs(k, ns), selector, wait.Changed, ct);
        await using var pods = new ObjectWatch<V1Pod>(WatchedKinds.Pods(k, ns), selector, wait.Changed, ct);
        await using var events = new ObjectWatch<Corev1Event>(WatchedKinds.Events(k, ns), $"involvedObject.name={job}", wait.Changed, ct);
        var pending = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var creation = new CreationFailures(unboundGrace);
        await wait.UntilAsync(() => Check(job, jobs, pods, events, pending, creation, unboundGrace), () => jobs.Failure ?? pods.Failure ?? events.Failure,
            timeout, $"Job {job}", progress, ct);
        return LatestPod(pods)?.Metadata.Name;
    }

    private static WaitCheck Check(string name, ObjectWatch<V1Job> jobs, ObjectWatch<V1Pod> pods, ObjectWatch<Corev1Event> events,
        Dictionary<string, DateTimeOffset> pending, CreationFailures creation, TimeSpan grace)
    {
        if (!jobs.Listed || !pods.Listed || !events.Listed) return new WaitCheck.Waiting("listing the Job, its pods and its events");
        var job = jobs.Objects.FirstOrDefault(j => j.Metadata.Name == name);
        var pod = LatestPod(pods);
        var podName = pod?.Metadata.Name;
        if (job is null) return new WaitCheck.Waiting("Job not visible yet");
        var conditions = job.Status?.Conditions ?? [];
        if (conditions.FirstOrDefault(c => c.Type == "Failed" && c.Status == "True") is { } failed)
            return new WaitCheck.Stuck($"Job {name} failed: {failed.Reason}{(string.IsNullOrEmpty(failed.Message) ? "" : $" ({failed.Message})")}{ExitOf(pod)}", podName, WorkerJobs.Container);
        if (conditions.Any(c => c.Type == "Complete" && c.Status == "True") || job.Status?.Succeeded >= 1)
            return WaitCheck.Finished;
        if (creation.Find("Job", job, events.Objects, hasPod: pod is not null, DateTimeOffset.UtcNow) is { } refused)
            return new WaitCheck.Stuck(refused, null, null);
        if (pod is null)
            return new WaitCheck.Waiting(CreationFailures.Pending(job, events.Objects) is { } why ? $"no pod yet (FailedCreate: {why})" : "no pod yet");
        if (pod.Status?.Phase == "Failed")
            return new WaitCheck.Stuck($"Job {name}'s pod {podName} failed{ExitOf(pod)}", podName, WorkerJobs.Container);
        if (PodTroubles.Find(pod, DateTimeOffset.UtcNow, pending, grace) is { } trouble)
            return new WaitCheck.Stuck(trouble.ToString(), podName, WorkerJobs.Container);
        return new WaitCheck.Waiting($"pod {podName} {WorkloadReady.Describe(pod, awaitsReady: false)}", podName, WorkerJobs.Container);
    }

    private static V1Pod? LatestPod(ObjectWatch<V1Pod> pods) =>
        pods.Objects.OrderByDescending(p => p.Metadata.CreationTimestamp ?? DateTime.MinValue).ThenBy(p => p.Metadata.Name, StringComparer.Ordinal).FirstOrDefault();

    private static string ExitOf(V1Pod? pod) =>
        pod?.Status?.ContainerStatuses?.Select(c => c.State?.Terminated).FirstOrDefault(t => t is not null) is { } t
            ? $", exit code {t.ExitCode}{(string.IsNullOrEmpty(t.Reason) ? "" : $" ({t.Reason})")}"
            : "";
}
