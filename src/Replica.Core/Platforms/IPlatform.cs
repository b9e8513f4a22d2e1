using Replica.Core.Backups;
using Replica.Core.Config;
using Replica.Core.Workflows;
using Replica.Dumps.Masking;

namespace Replica.Core.Platforms;

/// <summary>
/// How a target's parts exist: PostgreSQL processes and folders (local) or objects on a
/// cluster (kubernetes). Workflows only ever talk to this seam and never ask which
/// platform they have. Every method is called for one target, inside a run.
/// </summary>
public interface IPlatform
{
    string Name { get; }

    /// <summary>
    /// Refuses, in one sentence naming the key and the fix, what this platform must not write for the
    /// target: a footprint on production's or a protected target's place, or on the source. Checked before
    /// every workflow; changes nothing and asks nothing of a cluster.
    /// </summary>
    void CheckFootprint(TargetConfig target);

    /// <summary>
    /// Refuses, in one sentence naming the key and the fix, a source this platform cannot read for the
    /// target: a volume it cannot mount, a way to learn production's tag it cannot follow. Checked by plan
    /// and by start before anything changes. <paramref name="readsMedia"/>: the media backup is read too.
    /// </summary>
    void CheckSources(TargetConfig target, SourceConfig source, bool readsMedia);

    /// <summary>Production's image tag from its running workload, a source this platform's module made (<see cref="CheckSources"/> accepted it).</summary>
    Task<string> ReadProductionImageTagAsync(PlatformSource workload, CancellationToken ct);

    /// <summary>
    /// The database backups of the source, newest first. Local: the folder itself; a cluster
    /// lists the volume from inside (the backup volume is often only mounted there).
    /// <paramref name="forPlan"/>: nothing may be left changed — what listing needed (a Job on a cluster)
    /// is undone and said in <see cref="ListedBackups.Changes"/>, and what listing would need to create
    /// first (a namespace) is not created: the backups are then not listed (<see cref="ListedBackups.Unlisted"/>).
    /// </summary>
    Task<ListedBackups> ListBackupsAsync(TargetConfig target, VolumeSource backups, bool forPlan, CancellationToken ct);

    /// <summary>
    /// Checks the target's masking profile against the backup before anything changes: where the platform can
    /// read the backup's schema, a profile that names what the dump lacks or leaves personal-looking columns
    /// uncovered is refused here; otherwise the answer says what checks it instead.
    /// </summary>
    Task<MaskingCheck> CheckMaskingAsync(TargetConfig target, MaskingProfileSpec profile, Backup backup, CancellationToken ct);

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

/// <summary>The backups a platform listed, or why it did not (plan), and what listing changed and undid on the way.</summary>
/// <param name="Backups">null when plan could not list them without a change it may not make.</param>
/// <param name="Changes">what listing did and undid ("plan ran Job X in namespace N … and removed it"); null: nothing.</param>
/// <param name="Unlisted">why the backups were not listed, and when they will be.</param>
public sealed record ListedBackups(IReadOnlyList<Backup>? Backups, string? Changes = null, string? Unlisted = null)
{
    public static ListedBackups Of(IReadOnlyList<Backup> backups) => new(backups);
}

/// <summary>A masking profile as plan checked it: against the backup's own schema (<see cref="Plan"/>), or deferred to what <see cref="How"/> names.</summary>
public sealed record MaskingCheck(MaskingPlan? Plan, string How);

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
