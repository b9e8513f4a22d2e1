using System.Text.Json.Nodes;

namespace Replica.Kubernetes.Tests.Simulation.Patching;

/// <summary>
/// Kubernetes strategic merge patch (`application/strategic-merge-patch+json`), as far as the
/// types replica touches need it: lists whose fields have a patch merge key merge item by item
/// (containers by name, volumeMounts by mountPath, …), `$patch: delete|replace` directives,
/// `finalizers` merge as a set, and every other list replaces. The real server takes merge keys
/// from Go struct tags; this table holds the ones in the core, apps and batch types.
/// </summary>
public static class StrategicMergePatch
{
    private static readonly Dictionary<string, string> MergeKeys = new()
    {
        ["containers"] = "name", ["initContainers"] = "name", ["ephemeralContainers"] = "name",
        ["env"] = "name", ["volumes"] = "name", ["volumeMounts"] = "mountPath", ["volumeDevices"] = "devicePath",
        ["imagePullSecrets"] = "name", ["conditions"] = "type", ["ownerReferences"] = "uid",
        ["hostAliases"] = "ip", ["topologySpreadConstraints"] = "topologyKey", ["resourceClaims"] = "name",
        ["containerStatuses"] = "name", ["initContainerStatuses"] = "name",
        ["ports"] = "port", // containerPort inside a container; see ResolveKey
    };

    private static readonly HashSet<string> SetLists = ["finalizers"];

    public static JsonNode? Apply(JsonNode? target, JsonNode? patch) => MergeValue(target, patch, fieldName: null);

    private static JsonNode? MergeValue(JsonNode? target, JsonNode? patch, string? fieldName)
    {
        if (patch is JsonObject po)
        {
            if ((string?)po["$patch"] == "replace")
            {
                var replaced = (JsonObject)po.DeepClone();
                replaced.Remove("$patch");
                return replaced;
            }
            return MergeObject(target as JsonObject, po);
        }
        if (patch is JsonArray pa && target is JsonArray ta && fieldName is not null)
        {
            if (MergeKeys.TryGetValue(fieldName, out var key)) return MergeKeyedList(ta, pa, ResolveKey(fieldName, key, ta, pa));
            if (SetLists.Contains(fieldName)) return MergeSet(ta, pa);
        }
        return patch?.DeepClone();
    }

    private static JsonObject MergeObject(JsonObject? target, JsonObject patch)
    {
        var result = target is null ? new JsonObject() : (JsonObject)target.DeepClone();
        foreach (var (key, value) in patch)
        {
            // $setElementOrder, $retainKeys and $deleteFromPrimitiveList only tune ordering or
            // retention; the simulation keeps list order of the target and ignores them.
            if (key.StartsWith('$'))
            {
                if (key.StartsWith("$deleteFromPrimitiveList/", StringComparison.Ordinal) && value is JsonArray remove)
                    DeleteFromPrimitiveList(result, key["$deleteFromPrimitiveList/".Length..], remove);
                continue;
            }
            if (value is null) { result.Remove(key); continue; }
            result[key] = MergeValue(result[key], value, key);
        }
        return result;
    }

    private static JsonArray MergeKeyedList(JsonArray target, JsonArray patch, string key)
    {
        var result = (JsonArray)target.DeepClone();
        foreach (var item in patch)
        {
            if (item is not JsonObject patchItem || patchItem[key] is null) { result.Add(item?.DeepClone()); continue; }
            var id = patchItem[key]!.ToJsonString();
            var index = IndexOf(result, key, id);
            if ((string?)patchItem["$patch"] == "delete")
            {
                if (index >= 0) result.RemoveAt(index);
                continue;
            }
            if (index >= 0) result[index] = MergeObject(result[index] as JsonObject, patchItem);
            else
            {
                var added = (JsonObject)patchItem.DeepClone();
                added.Remove("$patch");
                result.Add(added);
            }
        }
        return result;
    }

    private static int IndexOf(JsonArray list, string key, string id)
    {
        for (int i = 0; i < list.Count; i++)
            if (list[i]?[key]?.ToJsonString() == id) return i;
        return -1;
    }

    private static JsonArray MergeSet(JsonArray target, JsonArray patch)
    {
        var result = (JsonArray)target.DeepClone();
        foreach (var item in patch)
            if (!result.Any(existing => JsonNode.DeepEquals(existing, item))) result.Add(item?.DeepClone());
        return result;
    }

    private static void DeleteFromPrimitiveList(JsonObject obj, string field, JsonArray remove)
    {
        if (obj[field] is not JsonArray list) return;
        for (int i = list.Count - 1; i >= 0; i--)
            if (remove.Any(r => JsonNode.DeepEquals(r, list[i]))) list.RemoveAt(i);
    }

    /// <summary>`ports` merges by containerPort in a container and by port in a Service.</summary>
    private static string ResolveKey(string fieldName, string key, JsonArray target, JsonArray patch) =>
        fieldName == "ports"
            ? (target.Concat(patch).Any(i => i?["containerPort"] is not null) ? "containerPort" : "port")
            : key;
}
