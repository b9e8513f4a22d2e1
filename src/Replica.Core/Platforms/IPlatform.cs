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

    /// <summary>Stops the stack if it runs; nothing to do is fine.</summary>
    Task StopStackAsync(RunContext run);

    /// <summary>Replaces any previous database instance with a new, empty one and returns where it is.</summary>
    Task<DatabaseEndpoint> CreateDatabaseAsync(RunContext run);

    Task<RestoreSummary> RestoreDatabaseAsync(RunContext run, Backup backup, DatabaseEndpoint database);

    /// <summary>Starts the stack on the tag and waits until it is ready; null when the target has no stack.</summary>
    Task<StackEndpoint?> StartStackAsync(RunContext run, string imageTag, DatabaseEndpoint database);

    Task<MediaSummary> SyncMediaAsync(RunContext run);

    /// <summary>Stops the database and deletes it with its volume. Idempotent.</summary>
    Task RemoveDatabaseAsync(RunContext run);

    /// <summary>Deletes the media volume. Idempotent.</summary>
    Task RemoveMediaAsync(RunContext run);

    /// <summary>Removes whatever else the platform keeps for the target (wipe). Idempotent.</summary>
    Task RemoveTargetAsync(RunContext run);

    /// <summary>What runs now; null parts are absent. Includes the database password (only for status --json).</summary>
    Task<PlatformState> ReadStateAsync(TargetConfig target, CancellationToken ct);
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
