namespace Replica.Core.Config;

/// <summary>The contents of replica.yaml, with every path made absolute.</summary>
public sealed record ReplicaConfig(
    string ConfigPath,
    string StateDirectory,
    SourceConfig Source,
    IReadOnlyDictionary<string, TargetConfig> Targets,
    ServerConfig? Server = null)
{
    public TargetConfig Target(string name) =>
        Targets.TryGetValue(name, out var t)
            ? t
            : throw new RefusedException(
                $"There is no target '{name}' in {ConfigPath}; known targets: {string.Join(", ", Targets.Keys.Order())}.");

    public string TargetDirectory(string target) => Path.Combine(StateDirectory, "targets", target);

    /// <summary>`schedules:` — what `replica serve` fires, by name.</summary>
    public IReadOnlyDictionary<string, Schedules.ScheduleConfig> Schedules { get; init; } = new Dictionary<string, Schedules.ScheduleConfig>();

    /// <summary>`notifications:` — where `replica serve` posts run outcomes and expiry warnings, by name.</summary>
    public IReadOnlyDictionary<string, Notifications.NotificationConfig> Notifications { get; init; } = new Dictionary<string, Notifications.NotificationConfig>();
}

public sealed record SourceConfig(VolumeSource DatabaseBackups, VolumeSource MediaBackup, ImageTagSource ImageTag);

/// <summary>Where a source volume is: a local folder, an NFS export, or a Kubernetes PVC.</summary>
public sealed record VolumeSource(string? LocalPath = null, NfsVolume? Nfs = null, PvcVolume? Pvc = null)
{
    public override string ToString() =>
        LocalPath ?? (Nfs is not null ? $"nfs://{Nfs.Server}{Nfs.Path}" : $"pvc {Pvc!.Namespace}/{Pvc.Name}");
}

public sealed record NfsVolume(string Server, string Path);

public sealed record PvcVolume(string Name, string? Namespace);

/// <summary>How production's image tag is learnt: a file, a literal, or the running workload.</summary>
public sealed record ImageTagSource(string? File = null, string? Value = null, KubernetesWorkloadRef? Kubernetes = null);

public sealed record KubernetesWorkloadRef(string Namespace, string Kind, string Name, string? Container, string? Context);

public sealed record TargetConfig(
    string Name,
    bool Protected,
    string Platform,
    DatabaseConfig Database,
    MediaConfig Media,
    StackConfig? Stack,
    KubernetesTargetConfig? Kubernetes,
    Replica.Postgres.Restore.Masking.MaskingProfile? Masking = null,
    IReadOnlyList<AfterRestoreStep>? AfterRestore = null,
    int? ExpireAfterHours = null);

/// <summary>
/// A fix applied to a fresh copy before its stack starts (the site's domain, outgoing e-mail off):
/// SQL run in <see cref="Database"/>, or a command run with the stack's environment.
/// </summary>
public sealed record AfterRestoreStep(string? Sql, string? Command, string? Database)
{
    public string Describe() => Sql is not null
        ? $"sql in {Database}: {(Sql.Length > 60 ? Sql[..60] + "…" : Sql)}"
        : $"command: {(Command!.Length > 60 ? Command[..60] + "…" : Command)}";
}

public sealed record DatabaseConfig(string Name = "frag", string Owner = "fragalysis", string? Image = null, string? Size = null);

/// <param name="MaxDeletePercent">a sync that would delete more than this share of the entries of an existing media volume is refused (--allow-media-delete allows it).</param>
public sealed record MediaConfig(string? Path = null, string? Pvc = null, string? Size = null, int MaxDeletePercent = 50);

public sealed record StackConfig(
    string? Command = null,
    string? ReadyUrl = null,
    int ReadyTimeoutSeconds = 120,
    string? Image = null,
    int Port = 80,
    string? ReadyPath = null,
    IReadOnlyList<string>? EnvFromSecrets = null);

/// <param name="ReplicaImage">the image the platform's worker Jobs run (default: $REPLICA_IMAGE, else replica:latest).</param>
/// <param name="Resources">requests and limits by pod ("database", "workers", "stack"); null: none set.</param>
public sealed record KubernetesTargetConfig(string? Context, string Namespace, string? StorageClass, string? ReplicaImage = null,
    IReadOnlyDictionary<string, PodResources>? Resources = null);

/// <summary>A pod's resource requests and limits (cpu, memory, ephemeral-storage), as quantities such as 500m or 4Gi.</summary>
public sealed record PodResources(IReadOnlyDictionary<string, string> Requests, IReadOnlyDictionary<string, string> Limits)
{
    public static readonly string[] Pods = ["database", "workers", "stack"];

    /// <summary>Kubernetes' quantity syntax: a number with an optional SI or binary suffix or exponent, no spaces.</summary>
    public static bool IsQuantity(string value) =>
        System.Text.RegularExpressions.Regex.IsMatch(value, @"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?[0-9]+)?$");
}

public static class PlatformNames
{
    public const string Local = "local";
    public const string Kubernetes = "kubernetes";
}
