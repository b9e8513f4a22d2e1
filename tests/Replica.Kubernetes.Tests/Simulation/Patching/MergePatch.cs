using System.Text.Json.Nodes;

namespace Replica.Kubernetes.Tests.Simulation.Patching;

/// <summary>RFC 7386 JSON merge patch (`application/merge-patch+json`): objects merge, null deletes, everything else replaces.</summary>
public static class MergePatch
{
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject) return patch?.DeepClone();
        var result = target is JsonObject t ? (JsonObject)t.DeepClone() : new JsonObject();
        foreach (var (key, value) in patchObject)
        {
            if (value is null) result.Remove(key);
            else result[key] = Apply(result[key], value);
        }
        return result;
    }
}
