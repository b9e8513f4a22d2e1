using Replica.Core.Platforms;

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

/// <summary>
/// Where a source volume is: a folder on this machine, or a volume only a platform can reach (an NFS
/// export, a claim), made by that platform's module from the keys it owns.
/// </summary>
public sealed record VolumeSource(string? LocalPath = null, PlatformSource? OnPlatform = null)
{
    public override string ToString() => LocalPath ?? OnPlatform!.Describe();
}

/// <summary>How production's image tag is learnt: a file, a literal, or (made by a platform's module) its running workload.</summary>
public sealed record ImageTagSource(string? File = null, string? Value = null, PlatformSource? OnPlatform = null);

/// <param name="Platform">the name of the platform module that acts on the target ("none" for a protected target without one).</param>
/// <param name="Settings">the target's section of its platform, as that platform's module read it (opaque here); null when it has none.</param>
public sealed record TargetConfig(
    string Name,
    bool Protected,
    string Platform,
    DatabaseConfig Database,
    MediaConfig Media,
    StackConfig? Stack,
    object? Settings,
    Replica.Dumps.Masking.MaskingProfileSpec? Masking = null,
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
