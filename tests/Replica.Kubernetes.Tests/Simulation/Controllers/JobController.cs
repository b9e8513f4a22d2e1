using System.Text.Json.Nodes;
using Replica.Kubernetes.Tests.Simulation.Api;
using Replica.Kubernetes.Tests.Simulation.Store;

namespace Replica.Kubernetes.Tests.Simulation.Controllers;

/// <summary>
/// The Job controller: one pod at a time (parallelism 1), a new pod per failure until
/// backoffLimit is exceeded (restarts count too under restartPolicy OnFailure),
/// activeDeadlineSeconds, ttlSecondsAfterFinished, and the status the real controller writes:
/// active/ready/succeeded/failed, startTime/completionTime, and the conditions
/// SuccessCriteriaMet+Complete or FailureTarget+Failed.
/// </summary>
public sealed class JobController(ObjectStore store, ResourceOperations operations, EventRecorder events) : IReconciler
{
    private const string Component = "job-controller";

    public void Reconcile()
    {
        var failures = new List<Exception>();
        foreach (var job in store.List(ResourceTypes.Jobs, null).Items)
        {
            if (PodState.IsDeleting(job)) continue;
            // One object the controller cannot handle must not starve the others (a real controller logs it and goes on).
            try { ReconcileOne(job); }
            catch (Exception e) { failures.Add(new InvalidOperationException($"{job.Namespace()}/{job.Name()}: {e.Message}", e)); }
        }
        if (failures.Count > 0) throw new AggregateException(failures);
    }

    private void ReconcileOne(JsonObject job)
    {
        var ns = job.Namespace()!;
        var spec = (JsonObject)job["spec"]!;
        var status = (JsonObject)(job["status"]?.DeepClone() ?? new JsonObject());
        var pods = store.List(ResourceTypes.Pods, ns).Items.Where(p => p.IsOwnedBy(job.Uid()!)).ToList();
        var finished = FinishedCondition(status);

        if (finished is not null)
        {
            ExpireAfterTtl(job, status);
            return;
        }
        if ((bool?)spec["suspend"] == true) return;

        var completions = (int?)spec["completions"] ?? 1;
        var backoffLimit = (int?)spec["backoffLimit"] ?? 6;
        var succeeded = pods.Count(p => PodState.Phase(p) == "Succeeded");
        var failed = pods.Count(p => PodState.Phase(p) == "Failed");
        var active = pods.Where(p => !PodState.IsTerminal(p) && !PodState.IsDeleting(p)).ToList();
        var restarts = pods.Sum(PodState.Restarts);
        var now = ObjectMeta.Now();
        status["startTime"] ??= now;

        string? failure = null, failureMessage = null;
        if (failed + restarts > backoffLimit) (failure, failureMessage) = ("BackoffLimitExceeded", "Job has reached the specified backoff limit");
        else if ((int?)spec["activeDeadlineSeconds"] is int deadline
                 && DateTime.UtcNow - DateTime.Parse((string)status["startTime"]!).ToUniversalTime() > TimeSpan.FromSeconds(deadline))
            (failure, failureMessage) = ("DeadlineExceeded", "Job was active longer than specified deadline");

        if (failure is not null)
        {
            foreach (var pod in active)
                operations.Delete(ResourceTypes.Pods, ns, pod.Name()!, new DeleteOptions(null, null, null, null, false));
            active.Clear();
            status["conditions"] = new JsonArray(Condition("FailureTarget", failure, failureMessage!, now), Condition("Failed", failure, failureMessage!, now));
            events.Warning(ResourceTypes.Jobs, job, failure, failureMessage!, Component);
        }
        else if (succeeded >= completions)
        {
            status["completionTime"] = now;
            status["conditions"] = new JsonArray(
                Condition("SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods", now),
                Condition("Complete", "CompletionsReached", "Reached expected number of succeeded pods", now));
            events.Normal(ResourceTypes.Jobs, job, "Completed", "Job completed", Component);
        }
        else if (active.Count == 0 && CreatePod(job) is { } created)
        {
            active.Add(created);
        }

        status["active"] = active.Count;
        status["ready"] = active.Count(PodState.IsReady);
        status["terminating"] = pods.Count(PodState.IsDeleting);
        status["uncountedTerminatedPods"] = new JsonObject();
        // Zero counts are omitted, as in the real status.
        if (active.Count == 0) status.Remove("active");
        if (succeeded > 0) status["succeeded"] = succeeded; else status.Remove("succeeded");
        if (failed > 0) status["failed"] = failed; else status.Remove("failed");
        store.TryUpdate(ResourceTypes.Jobs, ns, job.Name()!, j => { j["status"] = status; return j; });
    }

    /// <returns>null when the API server refused the pod (admission, validation): a FailedCreate event says why, as the real controller's does.</returns>
    private JsonObject? CreatePod(JsonObject job)
    {
        var template = (JsonObject)(job["spec"]?["template"]?.DeepClone() ?? new JsonObject());
        var meta = template["metadata"] as JsonObject ?? new JsonObject();
        var pod = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject
            {
                ["generateName"] = job.Name() + "-",
                ["labels"] = meta["labels"]?.DeepClone(),
                ["annotations"] = meta["annotations"]?.DeepClone(),
                ["ownerReferences"] = new JsonArray(ObjectMeta.OwnerReference(ResourceTypes.Jobs, job)),
            },
            ["spec"] = template["spec"]?.DeepClone(),
        };
        if (pod["metadata"]!["annotations"] is null) pod.Metadata().Remove("annotations");
        JsonObject created;
        try { created = operations.Create(ResourceTypes.Pods, job.Namespace()!, pod, dryRun: false); }
        catch (ApiException e)
        {
            events.Warning(ResourceTypes.Jobs, job, "FailedCreate", $"Error creating: {e.Message}", Component);
            return null;
        }
        events.Normal(ResourceTypes.Jobs, job, "SuccessfulCreate", $"Created pod: {created.Name()}", Component);
        return created;
    }

    private void ExpireAfterTtl(JsonObject job, JsonObject status)
    {
        if ((int?)job["spec"]?["ttlSecondsAfterFinished"] is not int ttl) return;
        var finishedAt = (string?)status["completionTime"] ?? (string?)FinishedCondition(status)?["lastTransitionTime"];
        if (finishedAt is null || DateTime.UtcNow - DateTime.Parse(finishedAt).ToUniversalTime() < TimeSpan.FromSeconds(ttl)) return;
        operations.Delete(ResourceTypes.Jobs, job.Namespace()!, job.Name()!, new DeleteOptions("Background", null, null, null, false));
    }

    private static JsonObject? FinishedCondition(JsonObject status) =>
        (status["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c =>
            (string?)c["type"] is "Complete" or "Failed" && (string?)c["status"] == "True");

    private static JsonObject Condition(string type, string reason, string message, string now) => new()
    {
        ["type"] = type, ["status"] = "True", ["lastProbeTime"] = now, ["lastTransitionTime"] = now,
        ["reason"] = reason, ["message"] = message,
    };
}
