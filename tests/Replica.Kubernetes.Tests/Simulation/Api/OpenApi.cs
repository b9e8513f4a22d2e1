using System.Text.Json.Nodes;
using Replica.Kubernetes.Tests.Simulation.Store;

namespace Replica.Kubernetes.Tests.Simulation.Api;

/// <summary>
/// Enough of the OpenAPI v3 documents for kubectl: each group version lists its paths with the
/// PATCH operations, their group/version/kind and the `fieldValidation` query parameter. That tells
/// `kubectl apply --validate=strict` (its default) that this server validates fields itself, so
/// kubectl sends `fieldValidation=Strict` and the simulation's own schema check answers. No schema
/// components are served: kubectl then computes client-side apply patches from its built-in types,
/// as it does against a server without them.
/// </summary>
public static class OpenApi
{
    private const string Hash = "simulation";

    public static JsonObject? For(string path) => path.TrimEnd('/') switch
    {
        "/openapi/v3" => new JsonObject
        {
            ["paths"] = new JsonObject(GroupVersions().Select(gv => KeyValuePair.Create(gv,
                (JsonNode?)new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{gv}?hash={Hash}" }))),
        },
        var p when p.StartsWith("/openapi/v3/", StringComparison.Ordinal) && GroupVersions().Contains(p["/openapi/v3/".Length..]) =>
            Document(p["/openapi/v3/".Length..]),
        _ => null,
    };

    private static IEnumerable<string> GroupVersions() =>
        ResourceTypes.All.Select(t => t.Group.Length == 0 ? $"api/{t.Version}" : $"apis/{t.Group}/{t.Version}").Distinct();

    private static JsonObject Document(string groupVersion)
    {
        var paths = new JsonObject();
        foreach (var t in ResourceTypes.All.Where(t => (t.Group.Length == 0 ? $"api/{t.Version}" : $"apis/{t.Group}/{t.Version}") == groupVersion))
        {
            var item = t.Namespaced ? $"/{groupVersion}/namespaces/{{namespace}}/{t.Plural}/{{name}}" : $"/{groupVersion}/{t.Plural}/{{name}}";
            paths[item] = new JsonObject { ["patch"] = Patch(t) };
        }
        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes (simulation)", ["version"] = "v1.33.0" },
            ["paths"] = paths,
            ["components"] = new JsonObject(),
        };
    }

    private static JsonObject Patch(ResourceType t) => new()
    {
        ["operationId"] = $"patch{t.Kind}",
        ["parameters"] = new JsonArray(
            Query("dryRun"), Query("fieldManager"), Query("fieldValidation"), Query("force")),
        ["requestBody"] = new JsonObject
        {
            ["content"] = new JsonObject
            {
                ["application/apply-patch+yaml"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "object" } },
                ["application/json-patch+json"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "object" } },
                ["application/merge-patch+json"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "object" } },
            },
            ["required"] = true,
        },
        ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } },
        ["x-kubernetes-action"] = "patch",
        ["x-kubernetes-group-version-kind"] = new JsonObject { ["group"] = t.Group, ["version"] = t.Version, ["kind"] = t.Kind },
    };

    private static JsonObject Query(string name) => new()
    {
        ["name"] = name, ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true },
    };
}
