using System.Text.Json.Nodes;
using Replica.Kubernetes.Tests.Simulation.Store;

namespace Replica.Kubernetes.Tests.Simulation.Controllers;

/// <summary>
/// Writes core/v1 Events the way kubelet and controllers do; a repeat of the same reason and
/// message on the same object bumps `count` and `lastTimestamp` instead of adding a new Event.
/// </summary>
public sealed class EventRecorder(ObjectStore store)
{
    // Like the real event spam filter, a repeat within a few seconds is dropped; it also keeps
    // level-triggered controllers from feeding their own loop with event updates.
    private static readonly TimeSpan RepeatWindow = TimeSpan.FromSeconds(5);
    private readonly Dictionary<(string?, string, string), DateTime> _recent = new();

    public const string NodeName = "simulation-node";

    public void Normal(ResourceType type, JsonObject involved, string reason, string message, string component, string? fieldPath = null) =>
        Record(type, involved, "Normal", reason, message, component, fieldPath);

    public void Warning(ResourceType type, JsonObject involved, string reason, string message, string component, string? fieldPath = null) =>
        Record(type, involved, "Warning", reason, message, component, fieldPath);

    private void Record(ResourceType type, JsonObject involved, string eventType, string reason, string message, string component, string? fieldPath)
    {
        var ns = involved.Namespace() ?? "default";
        lock (_recent)
        {
            var key = (involved.Uid(), reason, message);
            if (_recent.TryGetValue(key, out var last) && DateTime.UtcNow - last < RepeatWindow) return;
            _recent[key] = DateTime.UtcNow;
        }
        if (store.Get(ResourceTypes.Namespaces, "", ns) is null) return;
        var now = ObjectMeta.Now();
        var existing = store.List(ResourceTypes.Events, ns).Items.FirstOrDefault(e =>
            (string?)e["involvedObject"]?["uid"] == involved.Uid() && (string?)e["reason"] == reason && (string?)e["message"] == message);
        if (existing is not null)
        {
            store.TryUpdate(ResourceTypes.Events, ns, existing.Name()!, e =>
            {
                e["count"] = ((int?)e["count"] ?? 1) + 1;
                e["lastTimestamp"] = now;
                return e;
            });
            return;
        }
        var involvedObject = new JsonObject
        {
            ["kind"] = type.Kind,
            ["namespace"] = ns,
            ["name"] = involved.Name(),
            ["uid"] = involved.Uid(),
            ["apiVersion"] = type.ApiVersion,
            ["resourceVersion"] = involved.ResourceVersion(),
        };
        if (fieldPath is not null) involvedObject["fieldPath"] = fieldPath;
        var ev = new JsonObject
        {
            ["kind"] = "Event",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = $"{involved.Name()}.{Guid.NewGuid():N}"[..Math.Min(253, involved.Name()!.Length + 17)],
                ["namespace"] = ns,
                ["uid"] = Guid.NewGuid().ToString(),
                ["creationTimestamp"] = now,
            },
            ["involvedObject"] = involvedObject,
            ["reason"] = reason,
            ["message"] = message,
            ["source"] = component == "kubelet"
                ? new JsonObject { ["component"] = component, ["host"] = NodeName }
                : new JsonObject { ["component"] = component },
            ["firstTimestamp"] = now,
            ["lastTimestamp"] = now,
            ["count"] = 1,
            ["type"] = eventType,
            ["eventTime"] = null,
            ["reportingComponent"] = component,
            ["reportingInstance"] = component == "kubelet" ? NodeName : "",
        };
        try { store.Create(ResourceTypes.Events, ns, ev); }
        catch (Api.ApiException) { }
    }
}
