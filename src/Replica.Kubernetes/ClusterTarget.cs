using Replica.Core;
using Replica.Core.Config;
using Replica.Kubernetes.Config;
using Replica.Kubernetes.Manifests;

namespace Replica.Kubernetes;

/// <summary>
/// A kubernetes target with every default filled in: what the manifests are built from.
/// </summary>
public sealed record ClusterTarget(
    string Name,
    string Namespace,
    string? StorageClass,
    string DatabaseName,
    string DatabaseOwner,
    string DatabaseImage,
    string DatabaseSize,
    string MediaClaim,
    string MediaSize,
    StackConfig? Stack,
    string ReplicaImage,
    VolumeSource DatabaseBackups,
    VolumeSource MediaBackup,
    IReadOnlyDictionary<string, PodResources>? Resources = null)
{
    public const string DefaultDatabaseImage = "postgres:15";
    public const string DefaultDatabaseSize = "20Gi";
    public const string DefaultMediaSize = "10Gi";

    /// <summary>Used when neither $REPLICA_IMAGE nor targets.NAME.kubernetes.replica_image says otherwise.</summary>
    public const string DefaultReplicaImage = "replica:latest";
    public const string ReplicaImageVariable = "REPLICA_IMAGE";

    /// <summary>The superuser the restore runs as (a cluster dump re-creates roles, which needs one).</summary>
    public const string DatabaseUser = "postgres";
    public const int DatabasePort = 5432;

    /// <summary>Where volumes appear inside the Jobs' and the stack's pods.</summary>
    public const string BackupsMount = "/backups";
    public const string MediaSourceMount = "/media-backup";
    public const string MediaMount = "/media";

    /// <summary>The database as the stack and the Jobs reach it inside the namespace.</summary>
    public string DatabaseHost => ObjectNames.Database;

    /// <summary>The database as status and the final connection line name it (cluster DNS).</summary>
    public string DatabaseServiceDns => $"{ObjectNames.Database}.{Namespace}.svc";

    public bool HasStack => Stack?.Image is not null;

    public static ClusterTarget From(ReplicaConfig config, TargetConfig target, string? replicaImage = null)
    {
        var k = target.Settings as KubernetesTargetSettings
            ?? throw new RefusedException($"Target '{target.Name}' has no kubernetes section; give it {{ namespace: NAME }} in replica.yaml.");
        if (target.Stack is { } s && s.Image is null && s.Command is not null)
            throw new RefusedException($"Target '{target.Name}' is on kubernetes but its stack has a command, not an image; set targets.{target.Name}.stack.image.");
        return new ClusterTarget(
            target.Name,
            k.Namespace,
            k.StorageClass,
            target.Database.Name,
            target.Database.Owner,
            target.Database.Image ?? DefaultDatabaseImage,
            target.Database.Size ?? DefaultDatabaseSize,
            target.Media.Pvc ?? ObjectNames.DefaultMediaClaim,
            target.Media.Size ?? DefaultMediaSize,
            target.Stack,
            replicaImage ?? k.ReplicaImage ?? NonEmpty(Environment.GetEnvironmentVariable(ReplicaImageVariable)) ?? DefaultReplicaImage,
            config.Source.DatabaseBackups,
            config.Source.MediaBackup,
            k.Resources);
    }

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
