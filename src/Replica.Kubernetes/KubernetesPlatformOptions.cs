namespace Replica.Kubernetes;

/// <summary>How long the platform waits for each kind of thing; tests shorten them.</summary>
public sealed record KubernetesPlatformOptions
{
    /// <summary>Overrides targets.NAME.kubernetes.replica_image and $REPLICA_IMAGE.</summary>
    public string? ReplicaImage { get; init; }

    public TimeSpan DatabaseReadyTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>A restore of a large backup or a first full media copy takes hours.</summary>
    public TimeSpan JobTimeout { get; init; } = TimeSpan.FromHours(12);

    public TimeSpan ListBackupsTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Null: the target's stack.ready_timeout_seconds.</summary>
    public TimeSpan? StackReadyTimeout { get; init; }

    /// <summary>How long pods may take to terminate when a workload is removed.</summary>
    public TimeSpan DeletionTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A pod that cannot come into being fails the step after this: a Job or StatefulSet whose pod is refused
    /// (FailedCreate: Pod Security, a quota, a webhook), or a pod that stays unschedulable (an unbound claim,
    /// no node with room). Dynamic provisioning and autoscalers normally resolve theirs within seconds.
    /// (The name is older than its wider meaning.)
    /// </summary>
    public TimeSpan UnboundClaimGrace { get; init; } = TimeSpan.FromSeconds(30);
}
