using k8s.Models;
using Replica.Kubernetes.Config;

namespace Replica.Kubernetes.Manifests;

/// <summary>targets.NAME.kubernetes.resources as a container's requests and limits.</summary>
public static class PodResourceLimits
{
    public const string Database = "database";
    public const string Workers = "workers";
    public const string Stack = "stack";

    /// <returns>null when the target sets none for this pod (the namespace's defaults apply).</returns>
    public static V1ResourceRequirements? For(ClusterTarget t, string pod)
    {
        if (t.Resources?.GetValueOrDefault(pod) is not { } r || r.Requests.Count + r.Limits.Count == 0) return null;
        return new V1ResourceRequirements
        {
            Requests = Quantities(r.Requests),
            Limits = Quantities(r.Limits),
        };
    }

    private static Dictionary<string, ResourceQuantity>? Quantities(IReadOnlyDictionary<string, string> values) =>
        values.Count == 0 ? null : values.ToDictionary(kv => kv.Key, kv => new ResourceQuantity(kv.Value), StringComparer.Ordinal);
}
