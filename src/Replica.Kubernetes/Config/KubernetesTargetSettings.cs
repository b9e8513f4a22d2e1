namespace Replica.Kubernetes.Config;

/// <summary>targets.NAME.kubernetes: where on which cluster the target lives, and how its pods are sized.</summary>
/// <param name="Context">the kubeconfig context of the target's cluster (null: the current one); used for the target only.</param>
/// <param name="ReplicaImage">the image the platform's worker Jobs run (default: $REPLICA_IMAGE, else replica:latest).</param>
/// <param name="Resources">requests and limits by pod ("database", "workers", "stack"); null: none set.</param>
public sealed record KubernetesTargetSettings(string? Context, string Namespace, string? StorageClass, string? ReplicaImage = null,
    IReadOnlyDictionary<string, PodResources>? Resources = null);
