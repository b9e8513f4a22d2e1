using k8s;
using Replica.Core.Progress;
using Replica.Core.Workflows;
using Replica.Kubernetes.Waiting;
using Replica.Kubernetes.Workers;

namespace Replica.Kubernetes.Diagnostics;

/// <summary>Turns a failed wait into the step's error: the pod's evidence into the run log, one sentence into the message.</summary>
public static class StuckPodReport
{
    /// <returns>the worker's (or the program's) last log line, when the pod left one.</returns>
    public static async Task<string?> LogEvidenceAsync(IKubernetes k, string ns, WaitFailedException e, Action<LogLevel, string> log, CancellationToken ct)
    {
        if (e.Pod is null) return null;
        // The evidence matters most when the run is being cancelled or timed out, so it is read on its own short budget.
        using var budget = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            var evidence = await PodEvidence.CollectAsync(k, ns, e.Pod, e.Container, budget.Token);
            foreach (var line in evidence) log(LogLevel.Warning, line);
            var logLines = await PodEvidence.LastLogLinesAsync(k, ns, e.Pod, e.Container, PodEvidence.LogLines, budget.Token);
            if (logLines.Count == 0) logLines = await PodEvidence.LastLogLinesAsync(k, ns, e.Pod, e.Container, PodEvidence.LogLines, budget.Token, previous: true);
            return WorkerLog.LastMessage(string.Join('\n', logLines));
        }
        catch (Exception x) when (x is OperationCanceledException or HttpRequestException)
        {
            log(LogLevel.Warning, $"pod {e.Pod}: its log and events could not be read ({x.Message})");
            return null;
        }
    }

    public static async Task<ReplicaStepException> FailureAsync(IKubernetes k, string ns, string what, WaitFailedException e, Action<LogLevel, string> log, CancellationToken ct)
    {
        var said = await LogEvidenceAsync(k, ns, e, log, ct);
        return new ReplicaStepException($"{what} in namespace {ns} failed: {e.Message.TrimEnd('.')}{(said is null ? "" : $"; its last log line: {said.TrimEnd('.')}")}; the pod's log and events are in the run log.", e);
    }
}
