using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Replica.Kubernetes.Tests.Simulation.Kubelet;
using Replica.Kubernetes.Tests.Simulation.Store;

namespace Replica.Kubernetes.Tests.Simulation.Api;

/// <summary>
/// `GET …/pods/{name}/log` with container, tailLines, limitBytes, timestamps, previous and follow,
/// answering the real server's 400s for a missing container choice or a container not started yet.
/// </summary>
public static class PodLogEndpoint
{
    public static async Task<int> WriteAsync(HttpContext http, ObjectStore store, PodLogBook book, string ns, string name,
        Func<string, string?> query, CancellationToken shutdown)
    {
        var pod = store.Get(ResourceTypes.Pods, ns, name) ?? throw ApiException.NotFound(ResourceTypes.Pods, name);
        var containers = (pod["spec"]?["containers"] as JsonArray)?.Select(c => (string?)c?["name"] ?? "").ToList() ?? [];
        var initContainers = (pod["spec"]?["initContainers"] as JsonArray)?.Select(c => (string?)c?["name"] ?? "").ToList() ?? [];
        var container = query("container");
        if (string.IsNullOrEmpty(container))
        {
            if (containers.Count != 1)
                throw ApiException.BadRequest($"a container name must be specified for pod {name}, choose one of: [{string.Join(' ', containers)}]");
            container = containers[0];
        }
        else if (!containers.Contains(container) && !initContainers.Contains(container))
            throw ApiException.BadRequest($"container {container} is not valid for pod {name}");

        var previous = query("previous") is "true" or "1";
        var log = previous ? book.Previous(pod.Uid()!, container) : book.Current(pod.Uid()!, container);
        if (log is null)
        {
            if (previous) throw ApiException.BadRequest($"previous terminated container \"{container}\" in pod \"{name}\" not found");
            throw ApiException.BadRequest($"container \"{container}\" in pod \"{name}\" is waiting to start: {WaitingReason(pod, container)}");
        }

        int? tail = int.TryParse(query("tailLines"), out var t) && t >= 0 ? t : null;
        long? limitBytes = long.TryParse(query("limitBytes"), out var lb) && lb > 0 ? lb : null;
        var timestamps = query("timestamps") is "true" or "1";
        var follow = query("follow") is "true" or "1";

        http.Response.StatusCode = 200;
        http.Response.ContentType = "text/plain";
        var lines = log.Lines();
        var start = tail is int n ? Math.Max(0, lines.Count - n) : 0;
        long written = 0;
        async Task<bool> Write(IEnumerable<(DateTime At, string Line)> batch)
        {
            foreach (var (at, line) in batch)
            {
                var text = (timestamps ? at.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z' ") : "") + line + "\n";
                var bytes = Encoding.UTF8.GetBytes(text);
                if (limitBytes is long limit && written + bytes.Length > limit)
                {
                    await http.Response.Body.WriteAsync(bytes.AsMemory(0, (int)(limit - written)));
                    return false;
                }
                await http.Response.Body.WriteAsync(bytes);
                written += bytes.Length;
            }
            await http.Response.Body.FlushAsync();
            return true;
        }

        if (!await Write(lines.Skip(start)) || !follow) return 200;
        // follow: stream new lines until the container ends, the pod goes or the client leaves.
        var seen = lines.Count;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, shutdown);
        try
        {
            while (!linked.IsCancellationRequested)
            {
                var finished = log.Finished;
                var more = log.Lines(seen);
                seen += more.Count;
                if (!await Write(more) || finished || store.Get(ResourceTypes.Pods, ns, name)?.Uid() != pod.Uid()) break;
                await Task.Delay(50, linked.Token);
            }
        }
        catch (OperationCanceledException) { }
        return 200;
    }

    private static string WaitingReason(JsonObject pod, string container)
    {
        var status = ((pod["status"]?["containerStatuses"] as JsonArray)?.OfType<JsonObject>() ?? [])
            .Concat((pod["status"]?["initContainerStatuses"] as JsonArray)?.OfType<JsonObject>() ?? [])
            .FirstOrDefault(s => (string?)s["name"] == container);
        var reason = (string?)status?["state"]?["waiting"]?["reason"] ?? "ContainerCreating";
        return reason is "ImagePullBackOff" or "ErrImagePull" ? "trying and failing to pull image" : reason;
    }
}
