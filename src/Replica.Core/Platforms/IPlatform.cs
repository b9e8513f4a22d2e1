using Replica.Core.Backups;
using Replica.Core.Config;
using Replica.Core.Workflows;

namespace Replica.Core.Platforms;

/// <summary>
/// How a target's parts exist: PostgreSQL processes and folders (local) or objects on a
/// cluster (kubernetes). Workflows only ever talk to this seam and never ask which
/// platform they have. Every method is called for one target, inside a run.
/// </summary>
public interface IPlatform
{
    string Name { get; }

    /// <summary>Production's image tag when it is read from the running workload (kubernetes); null when the platform cannot.</summary>
    Task<string?> ReadProductionImageTagAsync(KubernetesWorkloadRef workload, CancellationToken ct);

    /// <summary>
    /// The database backups of the source, newest first. Local: the folder itself; a cluster
    /// lists the volume from inside (the backup volume is often only mounted there).
    /// </summary>
    Task<IReadOnlyList<Backup>> ListBackupsAsync(TargetConfig target, VolumeSource backups, CancellationToken ct);

    /// <summary>Whether the target's media volume already exists (so a sync only copies what changed).</summary>
    Task<bool> MediaVolumeExistsAsync(TargetConfig target, CancellationToken ct);

    /// <summary>A description of where the target's media lives, for plans and status.</summary>
    string MediaLocation(TargetConfig target);

    /// <summary>
    /// Stops the stack if it runs, every process or pod of it; nothing to do is fine. Its address
    /// (local port, Service) is kept for the next start.
    /// </summary>
    Task StopStackAsync(RunContext run);

    /// <summary>
    /// A new, empty database instance named <paramref name="instance"/>, beside any other instance
    /// of the target (which keeps running). It may start with bulk-load settings: nothing uses it
    /// until <see cref="RestoreDatabaseAsync"/> hands it over durable.
    /// </summary>
    Task<DatabaseEndpoint> CreateDatabaseAsync(RunContext run, string instance);

    /// <summary>
    /// A sentence saying what the target's configuration asks that this platform cannot do yet
    /// (checked by plan, before anything changes); null when it can do all of it.
    /// </summary>
    string? Unsupported(TargetConfig target);

    /// <summary>
    /// The objects a start run would create, as text for review or for the platform's own tools
    /// (`kubectl apply -f`); null for a platform that has none to show. Changes nothing.
    /// </summary>
    string? RenderStart(TargetConfig target, string imageTag, string tagSource, string? backupPath, bool dbOnly, string runLabel);

    /// <summary>Runs one post-restore step against the instance before the stack starts: SQL in a database of it, or a command with the stack's environment.</summary>
    Task RunAfterRestoreAsync(RunContext run, AfterRestoreStep step, string instance);

    /// <summary>Restores the backup into the instance, verifies it and hands it over durable.</summary>
    Task<RestoreSummary> RestoreDatabaseAsync(RunContext run, Backup backup, string instance);

    /// <summary>
    /// Starts the stack on the tag, connected to <paramref name="instance"/>, at the target's stable
    /// address, and waits until it is ready; null when the target has no stack. A running stack is
    /// stopped first.
    /// </summary>
    Task<StackEndpoint?> StartStackAsync(RunContext run, string imageTag, string instance);

    Task<MediaSummary> SyncMediaAsync(RunContext run, MediaDeletionLimit limit);

    /// <summary>Stops the instance and deletes it with its volume. Idempotent.</summary>
    Task RemoveDatabaseAsync(RunContext run, string instance);

    /// <summary>The database instances of the target that exist now (running or not), by name.</summary>
    Task<IReadOnlyList<string>> ListDatabasesAsync(TargetConfig target, CancellationToken ct);

    /// <summary>Deletes the media volume. Idempotent.</summary>
    Task RemoveMediaAsync(RunContext run);

    /// <summary>Removes whatever else the platform keeps for the target (wipe). Idempotent.</summary>
    Task RemoveTargetAsync(RunContext run);

    /// <summary>
    /// Repairs what an interrupted run of this platform left behind that is not a database instance
    /// (a stack record whose processes are gone, a stray secret file); reports each repair. Never
    /// touches what a live run uses. A stack that serves from an instance other than
    /// <paramref name="current"/> (the one the target serves from) is stopped.
    /// </summary>
    Task RepairAsync(TargetConfig target, string? current, Action<string> report, CancellationToken ct);

    /// <summary>
    /// What runs now; null parts are absent. <paramref name="instance"/> is the database the
    /// target serves from (null: none recorded). Includes the database password (only for status --json).
    /// Never throws for a half-made or missing part: it is reported as absent.
    /// </summary>
    Task<PlatformState> ReadStateAsync(TargetConfig target, string? instance, CancellationToken ct);

    /// <summary>The disk the instance uses and the room left where a new instance would go; null parts are unknown.</summary>
    Task<DatabaseFootprint> DatabaseFootprintAsync(TargetConfig target, string? instance, CancellationToken ct);
}

/// <summary>Chooses the platform of a target.</summary>
public interface IPlatformFactory
{
    IPlatform For(ReplicaConfig config, TargetConfig target);
}

public sealed record DatabaseEndpoint(string Host, int Port, string Database, string User, string Password)
{
    /// <summary>A URL with the password; only for status --json and the final connection line.</summary>
    public string Url => $"postgresql://{Uri.EscapeDataString(User)}:{Uri.EscapeDataString(Password)}@{Host}:{Port}/{Uri.EscapeDataString(Database)}";

    public string RedactedUrl => $"postgresql://{Uri.EscapeDataString(User)}:***@{Host}:{Port}/{Uri.EscapeDataString(Database)}";

    public override string ToString() => RedactedUrl; // records print their members; the password must not
}

public sealed record StackEndpoint(string Url);

public sealed record PlatformState(bool DatabaseRunning, DatabaseEndpoint? Database, bool StackRunning, StackEndpoint? Stack, bool MediaExists, string MediaLocation);

public sealed record RestoreSummary(
    string Flavour,
    IReadOnlyList<string> Databases,
    int Tables,
    long Rows,
    long Bytes,
    double SchemaSeconds,
    double DataSeconds,
    double IndexSeconds,
    double Seconds);

/// <summary>How much of an existing media volume a sync may delete: a percentage of its entries (100 = any), and whether an empty source is allowed.</summary>
public sealed record MediaDeletionLimit(int MaxDeletePercent = 50, bool AllowEmptySource = false)
{
    public static MediaDeletionLimit Default { get; } = new();
    public static MediaDeletionLimit Unlimited { get; } = new(100, true);
}

/// <param name="UsedBytes">what the instance occupies (the estimate of what a new one will need).</param>
/// <param name="FreeBytes">room left on the volume where a new instance goes.</param>
public sealed record DatabaseFootprint(long? UsedBytes, long? FreeBytes, string Volume);

public sealed record MediaSummary(
    long FilesCopied,
    long FilesUpdated,
    long FilesDeleted,
    long FilesUnchanged,
    long DirsCreated,
    long DirsDeleted,
    long SymlinksWritten,
    long Skipped,
    long BytesCopied,
    double Seconds);
