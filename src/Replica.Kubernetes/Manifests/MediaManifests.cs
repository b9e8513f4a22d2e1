using k8s.Models;

namespace Replica.Kubernetes.Manifests;

/// <summary>The target's media volume, kept across stops so the next start copies only what changed.</summary>
public static class MediaManifests
{
    /// <summary>ReadWriteMany: the stack and the sync Job mount it at the same time, possibly on different nodes.</summary>
    public static V1PersistentVolumeClaim Claim(ClusterTarget t, string run) => new()
    {
        ApiVersion = "v1",
        Kind = "PersistentVolumeClaim",
        Metadata = new V1ObjectMeta
        {
            Name = t.MediaClaim,
            NamespaceProperty = t.Namespace,
            Labels = ReplicaLabels.For(t.Name, run, Components.Media),
        },
        Spec = new V1PersistentVolumeClaimSpec
        {
            AccessModes = ["ReadWriteMany"],
            StorageClassName = t.StorageClass,
            Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new(t.MediaSize) } },
        },
    };
}
