using k8s;
using k8s.Models;
using Replica.Core.Progress;
using Replica.Core.Workflows;
using Replica.Kubernetes.Diagnostics;
using Replica.Kubernetes.Manifests;
using Replica.Kubernetes.Waiting;
using Replica.Kubernetes.Workers.Protocol;

namespace Replica.Kubernetes.Workers;

/// <summary>
/// Runs one worker Job to its end and returns its pod's log. A failed or stuck Job fails with
/// the worker's last message; the pod's last log lines and events go to the run log.
/// </summary>
public sealed class WorkerJobRun(IKubernetes k, string ns, TimeSpan unboundGrace)
{
    /// <param name="progress">receives the worker's progress lines as they are printed (null: they go to the run log only).</param>
    public async Task<string> RunAsync(V1Job job, string what, TimeSpan timeout, Action<LogLevel, string> log, CancellationToken ct,
        Action<WorkerProgress>? progress = null)
    {
        var name = job.Metadata.Name;
        log(LogLevel.Info, $"creating Job {name} ({what}, image {job.Spec.Template.Spec.Containers[0].Image})");
        await k.BatchV1.CreateNamespacedJobAsync(job, ns, cancellationToken: ct);
        string? pod;
        try
        {
            await using var follower = new JobLogFollower(k, ns, name, job.Spec.Template.Spec.Containers[0].Name, line => log(LogLevel.Info, $"{what}: {line}"), p =>
            {
                progress?.Invoke(p);
                log(LogLevel.Debug, $"{what}: {Describe(p)}");
            }, ct);
            pod = await JobFinished.WaitAsync(k, ns, name, timeout, unboundGrace, d => log(LogLevel.Debug, $"Job {name}: {d}"), ct);
        }
        catch (WaitFailedException e)
        {
            var said = await StuckPodReport.LogEvidenceAsync(k, ns, e, log, ct);
            var image = job.Spec.Template.Spec.Containers[0].Image;
            var fix = e.Message.Contains("ImagePull", StringComparison.Ordinal) || e.Message.Contains("ErrImage", StringComparison.Ordinal)
                ? $"; the cluster cannot pull the replica image {image}: set targets.NAME.kubernetes.replica_image (or $REPLICA_IMAGE) to one it can"
                : "";
            throw new ReplicaStepException($"The {what} Job {name} in namespace {ns} failed: {e.Message.TrimEnd('.')}{(said is null ? "" : $"; the worker said: {said.TrimEnd('.')}")}{fix}; the pod's log and events are in the run log.", e);
        }
        if (pod is null) throw new ReplicaStepException($"The {what} Job {name} in namespace {ns} completed but its pod is gone, so its summary cannot be read.");
        using var stream = await k.CoreV1.ReadNamespacedPodLogAsync(pod, ns, container: job.Spec.Template.Spec.Containers[0].Name, cancellationToken: ct);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(ct);
    }

    /// <summary>A progress line for the run log: `40.0% data public.users`, `1.2 MiB of 3.0 MiB, 12 files`.</summary>
    private static string Describe(WorkerProgress p)
    {
        var done = p.BytesTotal is > 0 ? $"{100.0 * p.BytesDone / p.BytesTotal.Value,5:0.0}%" : $"{p.BytesDone} bytes";
        var files = p.FilesDone > 0 || p.FilesTotal is > 0 ? $", {p.FilesDone}{(p.FilesTotal is { } t ? $"/{t}" : "")} files" : "";
        return string.Join(' ', new[] { done + files, p.Phase, p.Item }.Where(s => !string.IsNullOrEmpty(s)));
    }
}
