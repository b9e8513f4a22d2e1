using Replica.Kubernetes.Tests.Simulation.Store;

namespace Replica.Kubernetes.Tests.Simulation.Api;

/// <summary>
/// A request path taken apart: `/api/v1/namespaces/{ns}/pods/{name}/log`,
/// `/apis/apps/v1/namespaces/{ns}/statefulsets`, `/api/v1/namespaces/{name}`, `/api/v1/pods`.
/// </summary>
public sealed record ApiRoute(ResourceType Type, string? Namespace, string? Name, string? Subresource)
{
    public static ApiRoute? Parse(string path)
    {
        var s = path.Trim('/').Split('/').Select(Uri.UnescapeDataString).ToArray();
        string group, version; int i;
        if (s.Length >= 2 && s[0] == "api") { group = ""; version = s[1]; i = 2; }
        else if (s.Length >= 3 && s[0] == "apis") { group = s[1]; version = s[2]; i = 3; }
        else return null;

        var rest = s[i..];
        if (rest.Length >= 3 && rest[0] == "namespaces" && ResourceTypes.Find(group, version, rest[2]) is { Namespaced: true } nsType)
            return new ApiRoute(nsType, rest[1], rest.Length > 3 ? rest[3] : null, rest.Length > 4 ? rest[4] : null);
        if (rest.Length >= 1 && ResourceTypes.Find(group, version, rest[0]) is { } type)
        {
            if (rest.Length > 3) return null;
            return new ApiRoute(type, null, rest.Length > 1 ? rest[1] : null, rest.Length > 2 ? rest[2] : null);
        }
        return null;
    }
}
