namespace Replica.Kubernetes.Manifests;

/// <summary>
/// The labels on everything replica creates. Stop and wipe find objects by these labels,
/// never by guessing names, so a half-created target is removed as completely as a full one.
/// </summary>
public static class ReplicaLabels
{
    public const string ManagedBy = "app.kubernetes.io/managed-by";
    public const string ManagedByValue = "replica";
    public const string Target = "replica/target";
    public const string Run = "replica/run";
    public const string Component = "replica/component";

    /// <summary>On the stack: the database instance (the run that made it) the stack was started on.</summary>
    public const string DatabaseInstance = "replica/database";

    /// <summary>Set on pods of Jobs so a Job's pods are found without relying on the controller's own labels.</summary>
    public const string Job = "replica/job";

    public static Dictionary<string, string> For(string target, string run, string component) => new(StringComparer.Ordinal)
    {
        [ManagedBy] = ManagedByValue,
        [Target] = target,
        [Run] = RunValue(run),
        [Component] = component,
    };

    /// <summary>Selects one component of a target (all runs).</summary>
    public static string Select(string target, string component) =>
        $"{ManagedBy}={ManagedByValue},{Target}={target},{Component}={component}";

    /// <summary>Selects everything replica made for a target.</summary>
    public static string SelectTarget(string target) => $"{ManagedBy}={ManagedByValue},{Target}={target}";

    /// <summary>Whether replica made the object (an object of the same name made by someone else is never touched).</summary>
    public static bool IsManaged(k8s.Models.V1ObjectMeta meta) =>
        meta.Labels is { } l && l.TryGetValue(ManagedBy, out var v) && v == ManagedByValue;

    /// <summary>The value of one label of an object; null when it has none.</summary>
    public static string? Value(k8s.Models.V1ObjectMeta meta, string label) =>
        meta.Labels is { } l && l.TryGetValue(label, out var v) ? v : null;

    /// <summary>Label values allow [A-Za-z0-9._-], at most 63 characters; run ids already fit.</summary>
    public static string RunValue(string run)
    {
        var chars = run.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-').ToArray();
        var value = new string(chars).Trim('-', '_', '.');
        return value.Length > 63 ? value[..63].TrimEnd('-', '_', '.') : value;
    }
}

/// <summary>The parts of a target on the cluster, as the <see cref="ReplicaLabels.Component"/> label names them.</summary>
public static class Components
{
    public const string Namespace = "namespace";
    /// <summary>A database instance's own objects (StatefulSet, claim, Service); their run label names the instance.</summary>
    public const string Database = "database";
    /// <summary>The Service and Secret `database` through which the stack reaches the instance it runs on; one per target.</summary>
    public const string DatabaseAccess = "database-access";
    public const string Stack = "stack";
    public const string Media = "media";
    public const string Restore = "restore";
    public const string SyncMedia = "sync-media";
    public const string ListBackups = "list-backups";
    /// <summary>The Job that checks a restored instance's settings are durable and checkpoints it.</summary>
    public const string HandOver = "hand-over";
    /// <summary>A Job running one after_restore step against the new instance.</summary>
    public const string AfterRestore = "after-restore";
    /// <summary>The Secret carrying a masking profile (and its key) to the restore Job; removed when the restore ends.</summary>
    public const string Masking = "masking";

    /// <summary>The Jobs that work on one database instance: they carry its run label and go with it.</summary>
    public static readonly IReadOnlyList<string> InstanceJobs = [Restore, HandOver, AfterRestore];
}
