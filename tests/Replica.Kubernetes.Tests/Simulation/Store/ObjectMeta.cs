using System.Text.Json.Nodes;

namespace Replica.Kubernetes.Tests.Simulation.Store;

/// <summary>Reading and writing the parts of `metadata` the simulation relies on.</summary>
public static class ObjectMeta
{
    public static JsonObject Metadata(this JsonObject obj)
    {
        if (obj["metadata"] is JsonObject m) return m;
        var created = new JsonObject();
        obj["metadata"] = created;
        return created;
    }

    public static string? Name(this JsonObject obj) => (string?)obj["metadata"]?["name"];
    public static string? Namespace(this JsonObject obj) => (string?)obj["metadata"]?["namespace"];
    public static string? Uid(this JsonObject obj) => (string?)obj["metadata"]?["uid"];
    public static string? ResourceVersion(this JsonObject obj) => (string?)obj["metadata"]?["resourceVersion"];

    public static IReadOnlyDictionary<string, string> Labels(this JsonObject obj) => StringMap(obj["metadata"]?["labels"]);

    public static IReadOnlyDictionary<string, string> StringMap(JsonNode? node)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is JsonObject o)
            foreach (var (k, v) in o)
                if (v is JsonValue value && value.TryGetValue<string>(out var s)) map[k] = s;
        return map;
    }

    public static IEnumerable<JsonObject> OwnerReferences(this JsonObject obj) =>
        (obj["metadata"]?["ownerReferences"] as JsonArray)?.OfType<JsonObject>() ?? [];

    public static bool IsOwnedBy(this JsonObject obj, string ownerUid) =>
        obj.OwnerReferences().Any(r => (string?)r["uid"] == ownerUid);

    /// <summary>The RFC 3339 form the API server writes (second precision, UTC).</summary>
    public static string Timestamp(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
    public static string Now() => Timestamp(DateTime.UtcNow);

    public static JsonObject OwnerReference(ResourceType type, JsonObject owner) => new()
    {
        ["apiVersion"] = type.ApiVersion,
        ["kind"] = type.Kind,
        ["name"] = owner.Name(),
        ["uid"] = owner.Uid(),
        ["controller"] = true,
        ["blockOwnerDeletion"] = true,
    };
}
