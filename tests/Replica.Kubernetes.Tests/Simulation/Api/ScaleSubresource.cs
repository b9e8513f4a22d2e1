using System.Text.Json.Nodes;
using Replica.Kubernetes.Tests.Simulation.Patching;
using Replica.Kubernetes.Tests.Simulation.Store;

namespace Replica.Kubernetes.Tests.Simulation.Api;

/// <summary>`…/statefulsets/{name}/scale` (and deployments): an autoscaling/v1 Scale view of spec.replicas.</summary>
public sealed class ScaleSubresource(ResourceOperations operations)
{
    public static bool Supports(ResourceType type) => type.Kind is "StatefulSet" or "Deployment";

    public JsonObject Get(ResourceType type, string ns, string name) => ToScale(operations.Get(type, ns, name));

    /// <summary>PUT (whole Scale) or PATCH (any patch type) of the Scale; only spec.replicas is taken.</summary>
    public JsonObject Write(ResourceType type, string ns, string name, string? contentType, JsonNode? body, bool dryRun)
    {
        var current = ToScale(operations.Get(type, ns, name));
        var mediaType = contentType?.Split(';')[0].Trim();
        var wanted = mediaType switch
        {
            "application/json-patch+json" => JsonPatch.Apply(current, body),
            "application/merge-patch+json" or "application/strategic-merge-patch+json" or "application/apply-patch+yaml" => MergePatch.Apply(current, body),
            _ => body,
        };
        var replicas = (int?)wanted?["spec"]?["replicas"] ?? throw ApiException.BadRequest("spec.replicas is required");
        if (replicas < 0) throw ApiException.Invalid(type, name, "spec.replicas", $"Invalid value: {replicas}: must be greater than or equal to 0");
        var patch = new JsonObject { ["spec"] = new JsonObject { ["replicas"] = replicas } };
        return ToScale(operations.Patch(type, ns, name, "application/merge-patch+json", patch, statusOnly: false, dryRun, fieldManager: null));
    }

    private static JsonObject ToScale(JsonObject workload)
    {
        var selector = string.Join(',', ObjectMeta.StringMap(workload["spec"]?["selector"]?["matchLabels"]).Select(kv => $"{kv.Key}={kv.Value}"));
        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = workload.Name(),
                ["namespace"] = workload.Namespace(),
                ["uid"] = workload.Uid(),
                ["resourceVersion"] = workload.ResourceVersion(),
                ["creationTimestamp"] = workload["metadata"]?["creationTimestamp"]?.DeepClone(),
            },
            ["spec"] = new JsonObject { ["replicas"] = workload["spec"]?["replicas"]?.DeepClone() },
            ["status"] = new JsonObject { ["replicas"] = (int?)workload["status"]?["replicas"] ?? 0, ["selector"] = selector },
        };
    }
}
