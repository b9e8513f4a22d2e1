using System.Text.Json.Nodes;
using Replica.Kubernetes.Tests.Simulation.Store;

namespace Replica.Kubernetes.Tests.Simulation.Kubelet;

/// <summary>
/// Composes `status` from the containers' states with the real phase rules: Pending while init
/// containers run and until every container has started once, Failed when an init container failed
/// under restartPolicy Never, Succeeded/Failed when all have ended for good under restartPolicy
/// Never/OnFailure, Running otherwise; conditions PodScheduled, PodReadyToStartContainers,
/// Initialized, ContainersReady and Ready.
/// </summary>
public static class PodStatusBuilder
{
    public static JsonObject Build(JsonObject current, string restartPolicy, IReadOnlyList<ContainerState> initContainers,
        IReadOnlyList<ContainerState> containers, bool scheduled, bool mounted, string? unschedulableMessage)
    {
        var status = (JsonObject)(current.DeepClone());
        var now = ObjectMeta.Now();
        var initialized = initContainers.All(c => c.Terminated is not null && (int?)c.Terminated["exitCode"] == 0);
        var initFailed = restartPolicy == "Never" && initContainers.Any(c => c.Terminated is not null && (int?)c.Terminated["exitCode"] != 0);
        var allEnded = containers.All(c => c.Terminated is not null);
        var allSucceeded = allEnded && containers.All(c => (int?)c.Terminated!["exitCode"] == 0);
        string phase;
        if (initFailed) phase = "Failed";
        else if (!initialized) phase = "Pending";
        // Under OnFailure a failed container is restarted, so only success ends the pod; under Never either does.
        else if (containers.Count > 0 && allEnded && (restartPolicy == "Never" || restartPolicy == "OnFailure" && allSucceeded))
            phase = allSucceeded ? "Succeeded" : "Failed";
        else if (containers.Count > 0 && containers.All(c => c.EverStarted)) phase = "Running";
        else phase = "Pending";
        status["phase"] = phase;

        var ready = containers.Count > 0 && containers.All(c => c.Ready);
        var notReady = containers.Where(c => !c.Ready).Select(c => c.Name).ToList();
        var terminal = phase is "Succeeded" or "Failed";
        var conditions = new JsonArray();
        if (scheduled)
        {
            conditions.Add(Condition(current, "PodReadyToStartContainers", mounted && !terminal, null, null, now));
            var incomplete = initContainers.Where(c => c.Terminated is null || (int?)c.Terminated["exitCode"] != 0).Select(c => c.Name).ToList();
            conditions.Add(initialized
                ? Condition(current, "Initialized", true, terminal ? "PodCompleted" : null, null, now)
                : Condition(current, "Initialized", false, "ContainersNotInitialized", $"containers with incomplete status: [{string.Join(' ', incomplete)}]", now));
            conditions.Add(Condition(current, "Ready", ready, terminal ? "PodCompleted" : ready ? null : "ContainersNotReady",
                ready || terminal ? null : $"containers with unready status: [{string.Join(' ', notReady)}]", now));
            conditions.Add(Condition(current, "ContainersReady", ready, terminal ? "PodCompleted" : ready ? null : "ContainersNotReady",
                ready || terminal ? null : $"containers with unready status: [{string.Join(' ', notReady)}]", now));
            conditions.Add(Condition(current, "PodScheduled", true, null, null, now));
            status["containerStatuses"] = new JsonArray(containers.Select(c => (JsonNode)c.ToStatus()).ToArray());
            if (initContainers.Count > 0)
                status["initContainerStatuses"] = new JsonArray(initContainers.Select(c => (JsonNode)c.ToStatus()).ToArray());
        }
        else
        {
            conditions.Add(Condition(current, "PodScheduled", false, "Unschedulable", unschedulableMessage, now));
        }
        status["conditions"] = conditions;
        return status;
    }

    /// <summary>Keeps lastTransitionTime while a condition's status stays the same.</summary>
    private static JsonObject Condition(JsonObject currentStatus, string type, bool value, string? reason, string? message, string now)
    {
        var previous = (currentStatus["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == type);
        var status = value ? "True" : "False";
        var since = (string?)previous?["status"] == status ? (string?)previous?["lastTransitionTime"] ?? now : now;
        var condition = new JsonObject { ["type"] = type, ["status"] = status, ["lastProbeTime"] = null, ["lastTransitionTime"] = since };
        if (reason is not null) condition["reason"] = reason;
        if (message is not null) condition["message"] = message;
        return condition;
    }
}
