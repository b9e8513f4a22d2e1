using Replica.Kubernetes.Tests.Simulation.Selectors;
using Replica.Kubernetes.Tests.Simulation.Store;

namespace Replica.Kubernetes.Tests.Simulation.Api;

/// <summary>The query of a list, watch or deletecollection.</summary>
public sealed record ListOptions(LabelSelector Labels, FieldSelector Fields, int? Limit, string? Continue, string? ResourceVersion, int? TimeoutSeconds, bool AllowBookmarks)
{
    public static ListOptions From(Func<string, string?> query, ResourceType type) => new(
        LabelSelector.Parse(query("labelSelector")),
        FieldSelector.Parse(query("fieldSelector"), type),
        int.TryParse(query("limit"), out var limit) && limit > 0 ? limit : null,
        string.IsNullOrEmpty(query("continue")) ? null : query("continue"),
        query("resourceVersion"),
        int.TryParse(query("timeoutSeconds"), out var t) && t > 0 ? t : null,
        query("allowWatchBookmarks") is "true" or "1");

    public bool Matches(System.Text.Json.Nodes.JsonObject obj) => Labels.Matches(obj.Labels()) && Fields.Matches(obj);
}
