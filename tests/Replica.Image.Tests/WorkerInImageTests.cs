using System.Diagnostics;
using System.Text.Json;
using Replica.Kubernetes.Manifests;
using Replica.Kubernetes.Workers.Protocol;
using Replica.Tests.Support;

namespace Replica.Image.Tests;

/// <summary>
/// The image built by deploy/image/build, run as a cluster would run it: the worker as the image's
/// non-root user, with no capabilities, no privilege escalation and a read-only root file system,
/// against real folders and a real PostgreSQL in a second container of the same image.
/// </summary>
public sealed class WorkerInImageTests(BuiltImage image) : IClassFixture<BuiltImage>, IAsyncLifetime
{
    private readonly Podman _podman = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("replica-image-test-").FullName;

    public Task InitializeAsync()
    {
        File.SetUnixFileMode(_folder, (UnixFileMode)0b111_101_101); // the container's users enter it
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _podman.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>
    /// A worker container as a hardened Job's pod: the image's own user, no capabilities, no privilege
    /// escalation, and a root file system that is read-only throughout (no tmpfs at /tmp either, as
    /// with readOnlyRootFilesystem on a cluster).
    /// </summary>
    private Task<Podman.Result> RunWorkerAsync(string network, string[] mounts, string[] args, IReadOnlyDictionary<string, string>? env = null) =>
        _podman.RunContainerAsync("replica-image-test-worker-" + Guid.NewGuid().ToString("N")[..8],
            ["--rm", "--network", network, "--cap-drop", "all", "--security-opt", "no-new-privileges", "--read-only", "--read-only-tmpfs=false",
             .. mounts.SelectMany(m => new[] { "--volume", m }), .. (env?.Keys.SelectMany(k => new[] { "-e", k }) ?? []), image.Reference, "worker", .. args],
            env);

    [ImageFact]
    public async Task The_worker_runs_as_the_fixed_non_root_user_and_postgres_as_uid_999()
    {
        var id = await _podman.RunContainerAsync("replica-image-test-id-" + Guid.NewGuid().ToString("N")[..8],
            ["--rm", "--network", "none", "--entrypoint", "/bin/sh", image.Reference, "-c", "id -u; id -g; id -u postgres; id -g postgres"]);
        Assert.True(id.ExitCode == 0, id.ToString());
        Assert.Equal([$"{WorkerJobs.RunAsUser}", $"{WorkerJobs.RunAsUser}", $"{DatabaseContainer.PostgresUid}", $"{DatabaseContainer.PostgresUid}"],
            id.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [ImageFact]
    public async Task Restore_db_restores_the_sample_cluster_dump_into_postgres_in_a_second_container_exactly()
    {
        var sample = Path.Combine(RepoPaths.Root, "samples", "production", "database", "hourly", "backup-2026-11-24T02:04:07Z-dumpall.sql.gz");
        var backups = Directory.CreateDirectory(Path.Combine(_folder, "backups")).FullName;
        File.SetUnixFileMode(backups, (UnixFileMode)0b111_101_101);
        File.Copy(sample, Path.Combine(backups, Path.GetFileName(sample)));
        File.SetUnixFileMode(Path.Combine(backups, Path.GetFileName(sample)), (UnixFileMode)0b110_100_100);
        var expected = DumpContent.Read(sample);

        var db = new DatabaseContainer();
        await db.StartAsync(_podman, image.Reference);
        var run = await RunWorkerAsync("host", [$"{backups}:/backups:ro"],
            ["restore-db", "--backup", "/backups/" + Path.GetFileName(sample), "--host", "127.0.0.1", "--port", $"{db.Port}", "--user", "postgres", "--json"],
            new Dictionary<string, string> { ["PGPASSWORD"] = db.Password });

        Assert.True(run.ExitCode == 0, run.ToString());
        var summary = JsonSerializer.Deserialize(run.Stdout, WorkerJson.Default.RestoreDbSummary)!;
        Assert.True(summary.Verified);
        Assert.Equal("cluster-dump", summary.Flavour);
        Assert.Equal(expected.Rows.Values.Sum(), summary.Rows);
        Assert.DoesNotContain(db.Password, run.Stdout + run.Stderr);
        // Progress reached the log as protocol lines.
        Assert.Contains(run.Stderr.Split('\n'), l => Replica.Kubernetes.Workers.WorkerLog.Progress(l) is { Phase: "data" });

        // Checked on the server itself, against what the dump file carries.
        var databases = await db.ColumnAsync("postgres", "SELECT datname FROM pg_database WHERE NOT datistemplate ORDER BY datname");
        Assert.Equal(expected.Databases.Order(StringComparer.Ordinal), databases);
        Assert.NotEmpty(expected.Rows);
        foreach (var ((database, table), rows) in expected.Rows)
            Assert.Equal($"{database} {table} {rows}", $"{database} {table} {(await db.ColumnAsync(database, $"SELECT count(*) FROM {table}")).Single()}");
    }

    [ImageFact]
    public async Task Sync_media_mirrors_one_mounted_folder_into_another_exactly()
    {
        var source = Path.Combine(_folder, "media-backup");
        var destination = Directory.CreateDirectory(Path.Combine(_folder, "media")).FullName;
        Run("cp", "-a", Path.Combine(RepoPaths.Root, "samples", "production", "media"), source);
        Run("chmod", "-R", "a+rX", source);
        // The media volume as a pod sees it with fsGroup: the worker's own, with a stale file to delete. That is all
        // it holds, so the deletion is 100 % of its entries: allowed here, as --allow-media-delete would.
        File.WriteAllText(Path.Combine(destination, "stale.txt"), "not in the backup");
        Run("chown", "-R", $"{WorkerJobs.RunAsUser}:{WorkerJobs.RunAsUser}", destination);

        var run = await RunWorkerAsync("none", [$"{source}:/media-backup:ro", $"{destination}:/media"],
            ["sync-media", "--source", "/media-backup", "--dest", "/media", "--json", "--max-delete-percent", "100"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var summary = JsonSerializer.Deserialize(run.Stdout, WorkerJson.Default.SyncMediaSummary)!;
        // Counted by find, which never follows a symlink (the sample's `latest` links point at folders).
        var files = Run("find", source, "-type", "f").Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        var links = Run("find", source, "-type", "l").Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        Assert.Equal((files, links, 1L), (summary.FilesCopied, summary.SymlinksWritten, summary.FilesDeleted));
        Assert.Empty(TreeComparison.Differences(source, destination));
    }

    private static string Run(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{tool} {string.Join(' ', args)}: {err.Result}");
        return output;
    }
}
