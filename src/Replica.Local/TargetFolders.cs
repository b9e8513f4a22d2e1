using System.Security.Cryptography;
using System.Text;
using Replica.Core.Config;
using Replica.Core.Workflows;

namespace Replica.Local;

/// <summary>
/// Where a local target's parts live under the state folder. Each database instance is named by
/// the run that created it and has its own folder, so a refresh prepares the new one beside the
/// one that serves.
/// </summary>
internal sealed class TargetFolders(ReplicaConfig config, TargetConfig target)
{
    public string Root { get; } = config.TargetDirectory(target.Name);

    /// <summary>The records of the instances (port, superuser, password), readable by their owner only.</summary>
    public string DatabaseRecords => Path.Combine(Root, "databases");

    /// <summary>
    /// Where instance folders live. When replica runs as root, the server runs as the postgres account,
    /// which must be able to enter every parent folder; a state folder under a private home (e.g. /root)
    /// is not, so the volumes then live under /var/lib/replica instead, keyed by the state folder.
    /// </summary>
    public string Volumes => DatabaseRelocated
        ? Path.Combine(FallbackVolumes, Key(config.StateDirectory), target.Name, "databases")
        : Path.Combine(Root, "databases");

    public bool DatabaseRelocated => !ServerCanReach(Root);

    public const string FallbackVolumes = "/var/lib/replica/volumes";

    public string RecordFile(string instance) => instance == TargetReconciler.LegacyInstance
        ? Path.Combine(Root, "database.json")
        : Path.Combine(DatabaseRecords, instance + ".json");

    /// <summary>The instance's own folder: its data directory and, while initdb runs, its password file.</summary>
    public string InstanceRoot(string instance) => instance == TargetReconciler.LegacyInstance
        ? Path.GetDirectoryName(DataDirectory(instance))!
        : Path.Combine(Volumes, instance);

    public string DataDirectory(string instance) => instance == TargetReconciler.LegacyInstance
        ? (DatabaseRelocated ? Path.Combine(FallbackVolumes, Key(config.StateDirectory), target.Name, "database") : Path.Combine(Root, "database"))
        : Path.Combine(Volumes, instance, "data");

    public string Media { get; } = target.Media.Path ?? Replica.Core.Guards.WorkflowGuards.DefaultMedia(config, target.Name);
    public string StackFile => Path.Combine(Root, "stack.json");
    public string StackLog => Path.Combine(Root, "stack.log");

    /// <summary>The stack's port, kept across refreshes so its URL stays the same.</summary>
    public string StackPortFile => Path.Combine(Root, "stack-port");

    /// <summary>Instance names found on disk: a record, or a folder (a half-made instance has no record yet).</summary>
    public IReadOnlyList<string> Instances()
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        if (Directory.Exists(DatabaseRecords))
            foreach (var f in Directory.EnumerateFiles(DatabaseRecords, "*.json")) names.Add(Path.GetFileNameWithoutExtension(f));
        if (Directory.Exists(Volumes))
            foreach (var d in Directory.EnumerateDirectories(Volumes)) names.Add(Path.GetFileName(d));
        if (File.Exists(RecordFile(TargetReconciler.LegacyInstance)) || Directory.Exists(DataDirectory(TargetReconciler.LegacyInstance)))
            names.Add(TargetReconciler.LegacyInstance);
        return names.ToList();
    }

    private static bool ServerCanReach(string folder)
    {
        if (!Environment.IsPrivilegedProcess) return true; // the server runs as us
        for (var d = Path.GetDirectoryName(Path.GetFullPath(folder)); !string.IsNullOrEmpty(d); d = Path.GetDirectoryName(d))
        {
            if (!Directory.Exists(d)) continue; // created later with the default mode (0755)
            if (!File.GetUnixFileMode(d).HasFlag(UnixFileMode.OtherExecute)) return false;
        }
        return true;
    }

    private static string Key(string stateDirectory) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(stateDirectory)))[..12].ToLowerInvariant();
}
