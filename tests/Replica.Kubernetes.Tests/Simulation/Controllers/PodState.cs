using System.Text.Json.Nodes;

namespace Replica.Kubernetes.Tests.Simulation.Controllers;

/// <summary>Questions controllers ask about a pod's status.</summary>
public static class PodState
{
    public static string Phase(JsonObject pod) => (string?)pod["status"]?["phase"] ?? "Pending";

    public static bool IsTerminal(JsonObject pod) => Phase(pod) is "Succeeded" or "Failed";

    public static bool IsDeleting(JsonObject obj) => obj["metadata"]?["deletionTimestamp"] is not null;

    public static bool IsReady(JsonObject pod) =>
        Phase(pod) == "Running" && !IsDeleting(pod)
        && (pod["status"]?["conditions"] as JsonArray)?.Any(c => (string?)c?["type"] == "Ready" && (string?)c?["status"] == "True") == true;

    public static int Restarts(JsonObject pod) =>
        (pod["status"]?["containerStatuses"] as JsonArray)?.Sum(c => (int?)c?["restartCount"] ?? 0) ?? 0;
}
