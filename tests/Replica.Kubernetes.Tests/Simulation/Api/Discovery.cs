using System.Text.Json.Nodes;
using Replica.Kubernetes.Tests.Simulation.Store;

namespace Replica.Kubernetes.Tests.Simulation.Api;

/// <summary>
/// The discovery documents clients such as kubectl read before anything else: `/api`, `/apis`,
/// the resource list of each group version, `/version`. Unaggregated (the v1 documents), which
/// every client falls back to.
/// </summary>
public static class Discovery
{
    private static readonly string[] Groups = ["apps", "batch"];

    private static readonly Dictionary<string, string[]> ShortNames = new(StringComparer.Ordinal)
    {
        ["namespaces"] = ["ns"], ["configmaps"] = ["cm"], ["services"] = ["svc"], ["persistentvolumeclaims"] = ["pvc"],
        ["pods"] = ["po"], ["events"] = ["ev"], ["serviceaccounts"] = ["sa"], ["statefulsets"] = ["sts"],
        ["deployments"] = ["deploy"], ["daemonsets"] = ["ds"],
    };

    /// <summary>The document for a discovery path, or null when the path is not one.</summary>
    public static JsonObject? For(string path, Uri server) => path.TrimEnd('/') switch
    {
        "/version" => new JsonObject
        {
            ["major"] = "1", ["minor"] = "33", ["gitVersion"] = "v1.33.0-simulation", ["gitCommit"] = "simulation",
            ["gitTreeState"] = "clean", ["buildDate"] = "2026-01-01T00:00:00Z", ["goVersion"] = "go1.24", ["compiler"] = "gc",
            ["platform"] = "linux/amd64",
        },
        "/api" => new JsonObject
        {
            ["kind"] = "APIVersions", ["versions"] = new JsonArray("v1"),
            ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = $"{server.Host}:{server.Port}" }),
        },
        "/apis" => new JsonObject
        {
            ["kind"] = "APIGroupList", ["apiVersion"] = "v1",
            ["groups"] = new JsonArray(Groups.Select(g => (JsonNode)Group(g)).ToArray()),
        },
        "/api/v1" => Resources("", "v1"),
        var p when p.StartsWith("/apis/", StringComparison.Ordinal) && p.Split('/') is [_, _, var g, var v] && Groups.Contains(g) && v == "v1" => Resources(g, v),
        var p when p.StartsWith("/apis/", StringComparison.Ordinal) && p.Split('/') is [_, _, var g] && Groups.Contains(g) => Group(g),
        _ => null,
    };

    private static JsonObject Group(string group)
    {
        var version = new JsonObject { ["groupVersion"] = $"{group}/v1", ["version"] = "v1" };
        return new JsonObject
        {
            ["kind"] = "APIGroup", ["apiVersion"] = "v1", ["name"] = group,
            ["versions"] = new JsonArray(version), ["preferredVersion"] = version.DeepClone(),
        };
    }

    private static JsonObject Resources(string group, string version)
    {
        var list = new JsonArray();
        foreach (var t in ResourceTypes.All.Where(t => t.Group == group && t.Version == version))
        {
            string[] verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
            var resource = new JsonObject
            {
                ["name"] = t.Plural, ["singularName"] = t.Kind.ToLowerInvariant(), ["namespaced"] = t.Namespaced,
                ["kind"] = t.Kind, ["verbs"] = new JsonArray(verbs.Select(v => (JsonNode)v).ToArray()),
            };
            if (ShortNames.TryGetValue(t.Plural, out var shorts)) resource["shortNames"] = new JsonArray(shorts.Select(s => (JsonNode)s).ToArray());
            if (t.Kind is "Pod" or "Service" or "StatefulSet" or "Job" or "Deployment" or "DaemonSet") resource["categories"] = new JsonArray("all");
            list.Add(resource);
            if (t.HasStatus)
                list.Add(new JsonObject { ["name"] = $"{t.Plural}/status", ["singularName"] = "", ["namespaced"] = t.Namespaced, ["kind"] = t.Kind, ["verbs"] = new JsonArray("get", "patch", "update") });
            if (t.Kind == "Pod")
                list.Add(new JsonObject { ["name"] = "pods/log", ["singularName"] = "", ["namespaced"] = true, ["kind"] = "Pod", ["verbs"] = new JsonArray("get") });
            if (ScaleSubresource.Supports(t))
                list.Add(new JsonObject { ["name"] = $"{t.Plural}/scale", ["singularName"] = "", ["namespaced"] = true, ["group"] = "autoscaling", ["version"] = "v1", ["kind"] = "Scale", ["verbs"] = new JsonArray("get", "patch", "update") });
        }
        return new JsonObject
        {
            ["kind"] = "APIResourceList", ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}", ["resources"] = list,
        };
    }
}
