namespace Replica.Kubernetes.Manifests;

/// <summary>
/// Names of the objects of a target. The stack reaches its database by stable names (the Service and
/// Secret <see cref="Database"/>); each database instance has its own names, per run that made it,
/// so a new one is prepared beside the one that serves, and never clashes with an old one still terminating.
/// </summary>
public static class ObjectNames
{
    /// <summary>The Service the stack connects to; a refresh switches what it selects.</summary>
    public const string Database = "database";
    /// <summary>The connection settings the stack reads (one per target, kept across refreshes).</summary>
    public const string DatabaseSecret = "database";
    public const string Stack = "stack";
    public const string DefaultMediaClaim = "media";

    /// <summary>A database instance's StatefulSet, claim and own Service (how the restore Job reaches it before the switch).</summary>
    public static string DatabaseInstance(string run) => Dns($"database-{run}");

    /// <summary>The instance's volume (pvc-protection keeps a deleted claim while its pod terminates; per-run names never wait on it).</summary>
    public static string DatabaseClaim(string run) => DatabaseInstance(run);

    public static string RestoreJob(string run) => Dns($"restore-{run}");
    public static string HandOverJob(string run) => Dns($"hand-over-{run}");
    /// <summary>One Job per after_restore step (1-based, as the run's steps are named).</summary>
    public static string AfterRestoreJob(string run, int step) => Dns($"after-restore-{step}-{run}");
    public static string MaskingSecret(string run) => Dns($"masking-{run}");
    public static string SyncMediaJob(string run) => Dns($"sync-media-{run}");
    public static string ListBackupsJob(string run) => Dns($"list-backups-{run}");

    /// <summary>Object names are lower-case DNS labels; run ids hold a 'T'.</summary>
    public static string Dns(string name)
    {
        var chars = name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) || c == '-' ? c : '-').ToArray();
        var value = new string(chars).Trim('-');
        return value.Length > 63 ? value[..63].TrimEnd('-') : value;
    }
}
