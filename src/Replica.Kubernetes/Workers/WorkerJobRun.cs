using k8s;
using k8s.Models;
using Replica.Core.Progress;
using Replica.Core.Workflows;
using Replica.Kubernetes.Diagnostics;
using Replica.Kubernetes.Manifests;
using Replica.Kubernetes.Waiting;

namespace Replica.Kubernetes.Workers;

/// <summary>
/// Runs one worker Job to its end and returns its pod's log. A failed or stuck Job fails with
/// the worker's last message; the pod's last log lines and events go to the run log.
/// </summary>
public sealed class WorkerJobRun(IKubernetes k, string ns, TimeSpan unboundGrace)
{
    /// <param name="progressLine">turns a worker's progress line into an update (null: an ordinary line, logged).</param>
    public async Task<string> RunAsync(V1Job job, string what, TimeSpan timeout, Action<LogLevel, string> log, CancellationToken ct,
        Func<string, ProgressUpdate?>? progressLine = null, Action<ProgressUpdate>? report = null)
    {
        var name = job.Metadata.Name;
        log(LogLevel.Info, $"creating Job {name} ({what}, image {job.Spec.Template.Spec.Containers[0].Image})");
        await k.BatchV1.CreateNamespacedJobAsync(job, ns, cancellationToken: ct);
        string? pod;
        try
        {
            await using var follower = new JobLogFollower(k, ns, name, line =>
            {
                if (progressLine?.Invoke(line) is { } update)
                {
                    report?.Invoke(update);
                    log(LogLevel.Debug, $"{what}: {line}");
                }
                else log(LogLevel.Info, $"{what}: {line}");
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
        using var stream = await k.CoreV1.ReadNamespacedPodLogAsync(pod, ns, container: WorkerJobs.Container, cancellationToken: ct);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(ct);
    }
}
