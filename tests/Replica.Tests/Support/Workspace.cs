using System.Diagnostics;
using Replica.Core.Config;

namespace Replica.Tests.Support;

/// <summary>
/// A throw-away copy of the sample production data and a replica.yaml pointing at it, in a
/// temporary folder the postgres account can traverse (tests run as root in CI).
/// </summary>
public sealed class Workspace : IDisposable
{
    public string Root { get; }
    public string Source => Path.Combine(Root, "production");
    public string Backups => Path.Combine(Source, "database");
    public string MediaBackup => Path.Combine(Source, "media");
    public string ConfigPath => Path.Combine(Root, "replica.yaml");
    public string StateDir => Path.Combine(Root, "state");

    public Workspace(bool copyMedia = true)
    {
        Root = Directory.CreateTempSubdirectory("replica-test-").FullName;
        File.SetUnixFileMode(Root, (UnixFileMode)0b111_101_101);
        CopyTree(Path.Combine(RepoRoot, "samples", "production"), Source, copyMedia);
        WriteConfig(DefaultConfig());
    }

    public static string RepoRoot { get; } = FindRepoRoot();

    private static string FindRepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "replica.slnx"))) dir = Path.GetDirectoryName(dir);
        return dir ?? throw new InvalidOperationException("replica.slnx not found above the test assembly");
    }

    public string DefaultConfig(string stackExtra = "") => $"""
        state_dir: state
        source:
          database_backups: production/database
          media_backup: production/media
          image_tag:
            file: production/stack-image-tag
        targets:
          staging:
            platform: local
            database: {"{"} name: frag, owner: fragalysis {"}"}
            stack:
              command: "python3 {Path.Combine(RepoRoot, "samples", "stack", "app.py")}"
              ready_url: "http://127.0.0.1:{"{port}"}/healthz"
              ready_timeout_seconds: 60{stackExtra}
          dev:
            platform: local
          production:
            protected: true
        """;

    public void WriteConfig(string yaml) => File.WriteAllText(ConfigPath, yaml);

    public ReplicaConfig LoadConfig() => Replica.Cli.Modules.LoadConfig(ConfigPath);

    public string TargetMedia(string target) => Path.Combine(StateDir, "targets", target, "media");

    private static void CopyTree(string from, string to, bool withMedia)
    {
        // cp -a keeps symlinks as links and mtimes, as the media backup replica has them.
        Directory.CreateDirectory(to);
        foreach (var entry in Directory.EnumerateFileSystemEntries(from))
        {
            if (!withMedia && Path.GetFileName(entry) == "media") continue;
            using var cp = Process.Start("cp", ["-a", entry, to + "/"])!;
            cp.WaitForExit();
            if (cp.ExitCode != 0) throw new InvalidOperationException($"cp -a {entry} failed");
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* a test left a server behind; its own cleanup reports that */ }
    }
}
