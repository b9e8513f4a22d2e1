namespace Replica.Kubernetes.Manifests;

/// <summary>Names of the objects of a target. Per-run names avoid clashing with an old object still terminating.</summary>
public static class ObjectNames
{
    public const string Database = "database";
    public const string DatabaseSecret = "database";
    public const string Stack = "stack";
    public const string DefaultMediaClaim = "media";

    /// <summary>The database volume is per run: a deleted claim lingers while its pod terminates (pvc-protection).</summary>
    public static string DatabaseClaim(string run) => Dns($"database-{run}");

    public static string RestoreJob(string run) => Dns($"restore-{run}");
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
