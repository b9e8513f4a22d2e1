using System.Security.Cryptography;
using System.Text;
using Replica.Core.Config;

namespace Replica.Local;

/// <summary>Where a local target's parts live under the state folder.</summary>
internal sealed class TargetFolders(ReplicaConfig config, TargetConfig target)
{
    public string Root { get; } = config.TargetDirectory(target.Name);

    /// <summary>
    /// The database volume: the PostgreSQL data directory. When replica runs as root, the server
    /// runs as the postgres account, which must be able to enter every parent folder; a state
    /// folder under a private home (e.g. /root) is not, so the volume then lives under
    /// /var/lib/replica instead, keyed by the state folder.
    /// </summary>
    public string Database => DatabaseRelocated
        ? Path.Combine(FallbackVolumes, Key(config.StateDirectory), target.Name, "database")
        : Path.Combine(Root, "database");

    /// <summary>Whether the database volume lives under /var/lib/replica because the server's account cannot reach the state folder.</summary>
    public bool DatabaseRelocated => !ServerCanReach(Root);

    public const string FallbackVolumes = "/var/lib/replica/volumes";

    public string DatabaseFile => Path.Combine(Root, "database.json");
    public string Media { get; } = target.Media.Path ?? Path.Combine(config.TargetDirectory(target.Name), "media");
    public string StackFile => Path.Combine(Root, "stack.json");
    public string StackLog => Path.Combine(Root, "stack.log");

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
