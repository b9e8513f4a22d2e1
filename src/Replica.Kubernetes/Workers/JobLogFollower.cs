using k8s;
using k8s.Autorest;
using k8s.Models;
using Replica.Kubernetes.Manifests;
using Replica.Kubernetes.Waiting;
using Replica.Kubernetes.Workers.Protocol;

namespace Replica.Kubernetes.Workers;

/// <summary>
/// Follows a worker Job's pod log while the Job runs, so the run log shows the worker's progress
/// lines (a restore of a large backup runs for an hour): protocol progress lines to
/// <c>progress</c>, messages to <c>line</c>. The summary document is not forwarded.
/// </summary>
public sealed class JobLogFollower : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly Task _loop;

    public JobLogFollower(IKubernetes k, string ns, string job, string container, Action<string> line, Action<WorkerProgress> progress, CancellationToken ct)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _loop = Task.Run(() => RunAsync(k, ns, job, container, line, progress, _stop.Token));
    }

    private static async Task RunAsync(IKubernetes k, string ns, string job, string container, Action<string> line, Action<WorkerProgress> progress, CancellationToken ct)
    {
        try
        {
            var pod = await FirstStartedPodAsync(k, ns, job, ct);
            if (pod is null) return;
            using var stream = await k.CoreV1.ReadNamespacedPodLogAsync(pod, ns, container: container, follow: true, cancellationToken: ct);
            using var reader = new StreamReader(stream);
            while (await reader.ReadLineAsync(ct) is { } text)
            {
                if (WorkerLog.Progress(text) is { } p) progress(p);
                else if (text.Length > 0 && !WorkerLog.IsDocument(text)) line(text);
            }
        }
        catch (OperationCanceledException) { }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or IOException) { } // progress only: the outcome comes from the Job
    }

    /// <summary>The Job's pod once its container has started (before that there is no log to follow).</summary>
    private static async Task<string?> FirstStartedPodAsync(IKubernetes k, string ns, string job, CancellationToken ct)
    {
        var changed = new SemaphoreSlim(0);
        await using var pods = new ObjectWatch<V1Pod>(WatchedKinds.Pods(k, ns), $"{ReplicaLabels.Job}={job}", () => changed.Release(), ct);
        while (true)
        {
            var started = pods.Objects.FirstOrDefault(p => p.Status?.Phase is "Running" or "Succeeded" or "Failed");
            if (started is not null) return started.Metadata.Name;
            if (pods.Failure is not null) return null;
            await changed.WaitAsync(ct);
        }
    }

    /// <summary>Lets the last lines arrive, then stops following.</summary>
    public async ValueTask DisposeAsync()
    {
        if (await Task.WhenAny(_loop, Task.Delay(TimeSpan.FromSeconds(2))) != _loop) await _stop.CancelAsync();
        try { await _loop; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
