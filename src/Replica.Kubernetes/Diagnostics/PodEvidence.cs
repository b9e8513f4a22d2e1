using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Replica.Kubernetes.Diagnostics;

/// <summary>What the run log shows about a pod that failed: its last log lines and its events.</summary>
public static class PodEvidence
{
    public const int LogLines = 30;
    public const int EventCount = 10;

    public static async Task<IReadOnlyList<string>> CollectAsync(IKubernetes k, string ns, string pod, string? container, CancellationToken ct)
    {
        var lines = new List<string>();
        var log = await LastLogLinesAsync(k, ns, pod, container, LogLines, ct);
        var previous = false;
        if (log.Count == 0)
        {
            // A container in CrashLoopBackOff has restarted: what it said before dying is in the previous log.
            log = await LastLogLinesAsync(k, ns, pod, container, LogLines, ct, previous: true);
            previous = log.Count > 0;
        }
        if (log.Count == 0) lines.Add($"pod {pod}: no log (the container did not start or wrote nothing)");
        else
        {
            lines.Add($"pod {pod}: last {log.Count} log line(s){(previous ? " of the previous (crashed) container" : "")}:");
            lines.AddRange(log.Select(l => "  | " + l));
        }
        lines.AddRange(await EventsAsync(k, ns, pod, ct));
        return lines;
    }

    public static async Task<IReadOnlyList<string>> LastLogLinesAsync(IKubernetes k, string ns, string pod, string? container, int count, CancellationToken ct, bool previous = false)
    {
        try
        {
            using var stream = await k.CoreV1.ReadNamespacedPodLogAsync(pod, ns, container: container, tailLines: count, previous: previous ? true : null, cancellationToken: ct);
            using var reader = new StreamReader(stream);
            var text = await reader.ReadToEndAsync(ct);
            return text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).TakeLast(count).ToList();
        }
        catch (HttpOperationException) { return []; } // no container yet, or already gone
    }

    /// <summary>The object's events, oldest first, as "event Warning BackOff: message" lines.</summary>
    public static async Task<IReadOnlyList<string>> EventsAsync(IKubernetes k, string ns, string name, CancellationToken ct)
    {
        try
        {
            var list = await k.CoreV1.ListNamespacedEventAsync(ns, fieldSelector: $"involvedObject.name={name}", cancellationToken: ct);
            return list.Items
                .OrderBy(e => e.LastTimestamp ?? e.EventTime ?? e.FirstTimestamp ?? e.Metadata.CreationTimestamp ?? DateTime.MinValue)
                .TakeLast(EventCount)
                .Select(e => $"event {e.InvolvedObject?.Kind} {name}: {e.Type} {e.Reason}: {e.Message}{(e.Count > 1 ? $" (x{e.Count})" : "")}")
                .ToList();
        }
        catch (HttpOperationException) { return []; }
    }
}
