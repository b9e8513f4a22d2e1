using k8s.Models;

namespace Replica.Kubernetes.Waiting;

/// <summary>Why a pod will not get anywhere by waiting longer.</summary>
public sealed record PodTrouble(string Pod, string Reason, string Message)
{
    public override string ToString() => Message.Length == 0 ? $"pod {Pod}: {Reason}" : $"pod {Pod}: {Reason} ({Message})";
}

/// <summary>
/// Reads a pod's status for the states that never resolve on their own: an image that cannot
/// be pulled, a container that keeps crashing, a volume claim that does not bind.
/// </summary>
public static class PodTroubles
{
    /// <summary>Waiting reasons the kubelet reports for failures that retrying will not fix.</summary>
    public static readonly IReadOnlySet<string> StuckReasons = new HashSet<string>(StringComparer.Ordinal)
    {
        "ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull",
        "CrashLoopBackOff", "CreateContainerConfigError", "CreateContainerError", "RunContainerError",
    };

    /// <param name="pendingSince">when the pod was first seen unschedulable on an unbound claim, kept by the caller.</param>
    public static PodTrouble? Find(V1Pod pod, DateTimeOffset now, IDictionary<string, DateTimeOffset> pendingSince, TimeSpan unboundGrace)
    {
        var name = pod.Metadata.Name;
        var statuses = (pod.Status?.InitContainerStatuses ?? []).Concat(pod.Status?.ContainerStatuses ?? []);
        foreach (var c in statuses)
            if (c.State?.Waiting is { Reason: { } reason } w && StuckReasons.Contains(reason))
                return new PodTrouble(name, reason, $"container {c.Name}: {w.Message}".TrimEnd(' ', ':'));

        if (pod.Status?.Phase == "Failed" && pod.Spec?.RestartPolicy != "Never")
            return new PodTrouble(name, pod.Status.Reason ?? "Failed", pod.Status.Message ?? "");

        if (pod.Status?.Phase is null or "Pending" && Unschedulable(pod) is { } why)
        {
            // A claim that does not exist never appears; an unbound one may still be provisioned, so it gets a grace period.
            if (why.Contains("not found", StringComparison.OrdinalIgnoreCase))
                return new PodTrouble(name, "Unschedulable", why);
            // Anything else (an unbound claim, no node with room, a taint, an affinity) may clear up within
            // moments, as a provisioner binds or an autoscaler adds a node; still so after the grace period, it is the failure.
            if (!pendingSince.TryGetValue(name, out var since)) pendingSince[name] = since = now;
            if (now - since >= unboundGrace) return new PodTrouble(name, "Unschedulable", why);
        }
        else pendingSince.Remove(name);
        return null;
    }

    private static string? Unschedulable(V1Pod pod) =>
        pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled" && c.Status == "False") is { } c
            ? (c.Message ?? c.Reason ?? "unschedulable")
            : null;

    public static bool IsReady(V1Pod pod) =>
        pod.Metadata.DeletionTimestamp is null &&
        pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;
}
