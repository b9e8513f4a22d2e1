using System.Text.Json.Nodes;
using Replica.Kubernetes.Tests.Simulation.Api;
using Replica.Kubernetes.Tests.Simulation.Store;

namespace Replica.Kubernetes.Tests.Simulation.Selectors;

/// <summary>
/// The `fieldSelector` query: `field=value`, `field==value`, `field!=value`, comma-joined. Only the
/// fields the real server indexes for each resource are accepted; others are refused with the
/// real server's 400 so code that would fail on a cluster fails here too.
/// </summary>
public sealed class FieldSelector
{
    private static readonly string[] Common = ["metadata.name", "metadata.namespace"];

    private static readonly Dictionary<string, string[]> Supported = new()
    {
        ["Pod"] = ["status.phase", "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "status.podIP", "status.nominatedNodeName"],
        ["Event"] = ["involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
                     "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
                     "reason", "reportingComponent", "source", "type"],
        ["Secret"] = ["type"],
        ["Namespace"] = ["status.phase"],
        ["Job"] = ["status.successful"],
        ["PersistentVolumeClaim"] = [],
        ["Service"] = ["spec.clusterIP", "spec.type"],
    };

    private readonly List<(string Field, string Value, bool Equal)> _terms = new();

    public bool Matches(JsonObject obj) => _terms.All(t => (Read(obj, t.Field) == t.Value) == t.Equal);

    public static FieldSelector Parse(string? text, ResourceType type)
    {
        var selector = new FieldSelector();
        if (string.IsNullOrWhiteSpace(text)) return selector;
        foreach (var raw in text.Split(','))
        {
            var part = raw.Trim();
            int ne = part.IndexOf("!=", StringComparison.Ordinal);
            int eq = part.IndexOf('=');
            string field, value; bool equal;
            if (ne > 0) { field = part[..ne]; value = part[(ne + 2)..]; equal = false; }
            else if (eq > 0) { field = part[..eq]; value = part[(eq + (part.AsSpan(eq).StartsWith("==") ? 2 : 1))..]; equal = true; }
            else throw ApiException.BadRequest($"invalid selector: '{text}'; can't understand '{part}'");
            field = field.Trim();
            var allowed = Common.Concat(Supported.GetValueOrDefault(type.Kind, []));
            if (!allowed.Contains(field))
                throw ApiException.BadRequest($"field label not supported: {field}");
            selector._terms.Add((field, value.Trim(), equal));
        }
        return selector;
    }

    private static string Read(JsonObject obj, string field)
    {
        if (field == "source") return (string?)obj["source"]?["component"] ?? "";
        if (field == "status.successful") return ((int?)obj["status"]?["succeeded"] ?? 0).ToString();
        JsonNode? node = obj;
        foreach (var part in field.Split('.')) node = node?[part];
        return node is JsonValue v ? v.ToString() : "";
    }
}
