using k8s.Models;

namespace Replica.Kubernetes.Manifests;

public static class NamespaceManifest
{
    /// <summary>Created only when missing; an existing namespace is used as it is.</summary>
    public static V1Namespace For(ClusterTarget t, string run) => new()
    {
        ApiVersion = "v1",
        Kind = "Namespace",
        Metadata = new V1ObjectMeta { Name = t.Namespace, Labels = ReplicaLabels.For(t.Name, run, Components.Namespace) },
    };
}
