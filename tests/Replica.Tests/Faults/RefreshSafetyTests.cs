using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Replica.Tests.Support;

namespace Replica.Tests.Faults;

/// <summary>A refresh that does not finish never costs the team its working target; bad input is refused before anything changes.</summary>
public class RefreshSafetyTests
{
    private const string Latest = "backup-2026-11-24T02:04:07Z-dumpall.sql.gz";
    private const string Newer = "backup-2026-11-25T02:04:07Z-dumpall.sql.gz";

    [Fact]
    public async Task A_corrupt_newer_backup_leaves_the_previous_target_serving_and_is_passed_over_next_time()
    {
        await using var t = new FaultedTarget();
        var first = await t.MustAsync("start", "staging");
        var runId = JsonDocument.Parse((await t.MustAsync("runs", "--json")).Stdout).RootElement[0].GetProperty("id").GetString();
        var before = await t.StatusAsync();

        // A newer backup with a syntax error in the middle: it passes plan (its head is a fine dump) and is chosen as LATEST.
        var newer = Path.Combine(t.Workspace.Backups, "hourly", Newer);
        WriteDamaged(Path.Combine(t.Workspace.Backups, "hourly", Latest), newer);
        Assert.Contains(Newer, (await t.MustAsync("plan", "start", "staging")).Stdout);

        var failed = await ReplicaProcess.RunAsync(t.Root, "start", "staging");
        Assert.Equal(1, failed.ExitCode);
        Assert.Contains($"staging still runs backup {Latest} restored by run {runId}", failed.Stdout);

        var after = await t.CheckAfterFaultAsync("none", "start", "corrupt backup");
        Assert.Equal("running", after.GetProperty("state").GetString());
        Assert.Equal(Latest, after.GetProperty("backup").GetProperty("name").GetString());
        Assert.Equal("failed", after.GetProperty("last_run").GetProperty("status").GetString());
        Assert.Equal(before.GetProperty("database").GetProperty("port").GetInt32(), after.GetProperty("database").GetProperty("port").GetInt32());
        Assert.Equal(before.GetProperty("stack").GetProperty("url").GetString(), after.GetProperty("stack").GetProperty("url").GetString());

        // Remembered as damaged: backups shows it, and LATEST passes over it, saying so.
        var listed = JsonDocument.Parse((await t.MustAsync("backups", "--json")).Stdout).RootElement.EnumerateArray().Single(b => b.GetProperty("name").GetString() == Newer);
        Assert.NotEqual(JsonValueKind.Null, listed.GetProperty("damaged").ValueKind);
        var plan = await t.MustAsync("plan", "start", "staging");
        Assert.Contains($"backup      {Latest}", plan.Stdout);
        Assert.Contains($"backup {Newer} is passed over", plan.Stdout);
        await t.MustAsync("start", "staging");

        // Once the file changes (a good copy arrives), it is a candidate again.
        File.Copy(Path.Combine(t.Workspace.Backups, "hourly", Latest), newer, overwrite: true);
        Assert.Contains($"backup      {Newer}", (await t.MustAsync("plan", "start", "staging")).Stdout);
    }

    [Fact]
    public async Task A_full_database_volume_gives_one_sentence_and_leaves_nothing_behind()
    {
        RequireRoot("mounts a small tmpfs as the state folder");
        await using var t = new FaultedTarget();
        using var volume = SmallVolume.Mount(t.Workspace.StateDir, megabytes: 24, before: () => Wipe(t)); // initdb needs about 40 MB
        var r = await ReplicaProcess.RunAsync(t.Root, "start", "staging");
        Assert.Equal(1, r.ExitCode);
        var line = r.Stdout.Split('\n').Single(l => l.Contains("FAILED"));
        Assert.Contains("the database volume", line, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("is full", line);
        Assert.Contains(Path.Combine(t.Workspace.StateDir, "targets", "staging", "databases"), line);
        Assert.Contains("No space left on device", line); // initdb's own words kept
        var s = await t.CheckAfterFaultAsync("none", "start", "database volume full");
        Assert.Equal(JsonValueKind.Null, s.GetProperty("database").ValueKind);
        Assert.Empty(t.PostgresDataDirectories());
    }

    [Fact]
    public async Task A_full_state_volume_gives_one_sentence_and_the_target_keeps_running()
    {
        RequireRoot("mounts a small tmpfs as the state folder");
        await using var t = new FaultedTarget();
        using var volume = SmallVolume.Mount(t.Workspace.StateDir, megabytes: 200, before: () => Wipe(t));
        await t.MustAsync("start", "staging");
        var filler = Path.Combine(t.Workspace.StateDir, "filler");
        volume.Fill(filler);
        // A refresh beside the running database is refused by plan: the volume has no room for a second one.
        var refresh = await ReplicaProcess.RunAsync(t.Root, "start", "staging");
        Assert.Equal(2, refresh.ExitCode);
        Assert.Contains("free", refresh.Stderr);
        Assert.Contains("--in-place", refresh.Stderr);
        // A workflow that must record a run meets the full state folder first: one sentence, exit 1, nothing changed.
        var r = await ReplicaProcess.RunAsync(t.Root, "stop", "staging");
        Assert.Equal(1, r.ExitCode);
        var sentence = r.Stderr.Trim();
        Assert.DoesNotContain("\n", sentence);
        Assert.Contains($"the state folder {t.Workspace.StateDir} is full", sentence, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("disk I/O error\n", r.All);
        var status = await ReplicaProcess.RunAsync(t.Root, "status", "staging", "--json"); // still readable, and truthful
        Assert.True(status.ExitCode == 0, status.All);
        Assert.Equal("running", JsonDocument.Parse(status.Stdout).RootElement[0].GetProperty("state").GetString());
        File.Delete(filler);
        await t.MustAsync("start", "staging");
        await t.MustAsync("stop", "staging");
    }

    [Fact]
    public async Task An_empty_media_source_and_a_sixty_percent_deletion_are_refused_with_nothing_deleted()
    {
        await using var t = new FaultedTarget();
        await t.MustAsync("start", "staging");
        var media = t.Workspace.TargetMedia("staging");
        var before = TreeComparison.Differences(t.Workspace.MediaBackup, media);
        Assert.Empty(before);

        // The export is not mounted: the source folder is empty.
        var moved = t.Workspace.MediaBackup + ".away";
        Directory.Move(t.Workspace.MediaBackup, moved);
        Directory.CreateDirectory(t.Workspace.MediaBackup);
        var empty = await ReplicaProcess.RunAsync(t.Root, "start", "staging");
        Assert.Equal(2, empty.ExitCode);
        Assert.Contains("is empty", empty.Stderr);
        Assert.Contains("--allow-media-delete", empty.Stderr);
        Assert.Empty(TreeComparison.Differences(moved, media)); // nothing deleted
        Directory.Delete(t.Workspace.MediaBackup);
        Directory.Move(moved, t.Workspace.MediaBackup);

        // 60 % of the volume would go: refused before anything is deleted, both counts named; the target keeps running.
        var entries = Directory.EnumerateFileSystemEntries(t.Workspace.MediaBackup, "*", SearchOption.AllDirectories).ToList();
        var snapshot = Path.Combine(t.Root, "snapshot");
        CopyTree(t.Workspace.MediaBackup, snapshot);
        foreach (var top in new[] { "computed_set_data", "target" }) Directory.Delete(Path.Combine(t.Workspace.MediaBackup, top), recursive: true);
        var remaining = Directory.EnumerateFileSystemEntries(t.Workspace.MediaBackup, "*", SearchOption.AllDirectories).Count();
        Assert.True(remaining < entries.Count * 0.5, $"the test means to delete over half: {remaining} of {entries.Count} remain");
        var mass = await ReplicaProcess.RunAsync(t.Root, "start", "staging");
        Assert.Equal(2, mass.ExitCode);
        Assert.Contains("REFUSED", mass.Stdout);
        Assert.Contains("--allow-media-delete", mass.Stdout);
        Assert.Contains("50 %", mass.Stdout);
        Assert.Empty(TreeComparison.Differences(snapshot, media));
        var s = await t.CheckAfterFaultAsync("none", "start", "mass deletion");
        Assert.Equal("running", s.GetProperty("state").GetString());

        // Allowed on purpose.
        await t.MustAsync("start", "staging", "--allow-media-delete");
        Assert.Empty(TreeComparison.Differences(t.Workspace.MediaBackup, media));
    }

    [Theory]
    [InlineData("state_dir: production/media/state", "state_dir")]                   // state_dir inside the media backup
    [InlineData("state_dir: production/database", "state_dir")]                     // state_dir equal to the database backups
    [InlineData("media_as_state", "targets.dev.media.path")]                        // media equal to state_dir
    [InlineData("media_root", "targets.dev.media.path")]                            // media: /
    [InlineData("media_containing_state", "targets.dev.media.path")]                // media containing state_dir
    [InlineData("backups_in_media", "source.database_backups")]                     // the database backups inside the media backup
    [InlineData("long_state", "state_dir")]                                          // a very long state_dir
    public async Task Overlapping_or_system_folders_are_refused_by_plan_with_nothing_written(string how, string named)
    {
        using var ws = new Workspace();
        var yaml = ws.DefaultConfig();
        yaml = how switch
        {
            "media_as_state" => yaml.Replace("  dev:\n    platform: local", "  dev:\n    platform: local\n    media: { path: state }"),
            "media_root" => yaml.Replace("  dev:\n    platform: local", "  dev:\n    platform: local\n    media: { path: / }"),
            "media_containing_state" => yaml.Replace("  dev:\n    platform: local", $"  dev:\n    platform: local\n    media: {{ path: {ws.Root} }}"),
            "backups_in_media" => yaml.Replace("database_backups: production/database", "database_backups: production/media/pdbs"),
            "long_state" => yaml.Replace("state_dir: state", "state_dir: " + string.Join('/', Enumerable.Repeat("long-folder-name", 50))),
            _ => yaml.Replace("state_dir: state", how),
        };
        ws.WriteConfig(yaml);
        var before = Listing(ws.Root);
        var r = await ReplicaProcess.RunAsync(ws.Root, "plan", "start", "dev");
        Assert.Equal(2, r.ExitCode);
        var sentence = r.Stderr.Trim();
        Assert.DoesNotContain("\n", sentence);
        Assert.Contains(named, sentence);
        Assert.Equal(before, Listing(ws.Root)); // nothing written anywhere in the workspace
        Assert.False(File.Exists(Path.Combine(ws.MediaBackup, "state", "runs.sqlite")));
    }

    [Fact]
    public async Task Image_tags_are_checked_as_oci_tags_and_stray_files_never_block_the_catalogue()
    {
        using var ws = new Workspace();
        var longTag = await ReplicaProcess.RunAsync(ws.Root, "plan", "start", "staging", "--image-tag", new string('a', 100_000));
        Assert.Equal(2, longTag.ExitCode);
        Assert.Contains("not a valid image tag", longTag.Stderr);
        Assert.True(longTag.Stderr.Length < 600, "the sentence does not repeat a huge tag");
        var upgrade = await ReplicaProcess.RunAsync(ws.Root, "upgrade", "staging", "--image-tag", "bad tag!");
        Assert.Equal(2, upgrade.ExitCode);

        File.WriteAllText(Path.Combine(ws.Backups, "hourly", "README"), "where the backups come from\n");
        File.WriteAllText(Path.Combine(ws.Backups, "hourly", "nightly.sql.gz"), "x");
        var plan = await ReplicaProcess.RunAsync(ws.Root, "plan", "start", "staging", "--from-backup", "2026-11-23T02:04:07Z");
        Assert.Equal(0, plan.ExitCode);
        Assert.Contains("README", plan.Stdout);
        Assert.Contains("nightly.sql.gz", plan.Stdout);
        var backups = await ReplicaProcess.RunAsync(ws.Root, "backups");
        Assert.Equal(0, backups.ExitCode);
        Assert.Contains("README", backups.Stderr);
    }

    [Fact]
    public async Task Status_in_a_loop_while_other_targets_start_never_fails()
    {
        using var ws = new Workspace();
        ws.WriteConfig(ws.DefaultConfig().Replace("  production:", "  dev2:\n    platform: local\n  dev3:\n    platform: local\n  production:"));
        var starts = new[] { "dev", "dev2", "dev3" }.Select(d => ReplicaProcess.RunAsync(ws.Root, "start", d, "--db-only")).ToList();
        var statuses = 0;
        while (!starts.All(s => s.IsCompleted))
        {
            var s = await ReplicaProcess.RunAsync(ws.Root, "status", "--json");
            Assert.True(s.ExitCode == 0, s.All);
            Assert.Equal(4, JsonDocument.Parse(s.Stdout).RootElement.GetArrayLength());
            statuses++;
        }
        foreach (var s in starts) Assert.True((await s).ExitCode == 0, (await s).All);
        Assert.True(statuses > 0);
        foreach (var d in new[] { "dev", "dev2", "dev3" }) Assert.Equal(0, (await ReplicaProcess.RunAsync(ws.Root, "wipe", d)).ExitCode);
    }

    [Fact]
    public async Task Stop_ends_every_process_of_the_stacks_session_killing_what_ignores_sigterm()
    {
        await using var t = new FaultedTarget();
        var app = Path.Combine(Workspace.RepoRoot, "samples", "stack", "app.py");
        // The stack starts a helper that ignores SIGTERM and keeps running after its shell is told to stop.
        t.Workspace.WriteConfig(t.Workspace.DefaultConfig().Replace($"python3 {app}", $"(trap '' TERM; exec sleep 600) & exec python3 {app}"));
        await t.MustAsync("start", "staging", "--db-only");
        Assert.Equal(2, t.StackProcesses()); // python and the stubborn sleep
        var stop = await t.MustAsync("stop", "staging");
        Assert.Contains("ignored SIGTERM", stop.Stdout);
        Assert.Equal(0, t.StackProcesses());
    }

    /// <summary>What the test started goes before its volume is unmounted (afterwards the state it needs is out of reach).</summary>
    private static void Wipe(FaultedTarget t)
    {
        var filler = Path.Combine(t.Workspace.StateDir, "filler");
        if (File.Exists(filler)) File.Delete(filler);
        ReplicaProcess.RunAsync(t.Root, "wipe", "staging").GetAwaiter().GetResult();
    }

    private static void RequireRoot(string why) =>
        Assert.True(Environment.IsPrivilegedProcess, $"This test needs root: it {why}. Run the tests as root (as .ci/run does).");

    /// <summary>A copy of <paramref name="good"/> with a statement that cannot run in the middle of the SQL.</summary>
    private static void WriteDamaged(string good, string damaged)
    {
        string sql;
        using (var gz = new GZipStream(File.OpenRead(good), CompressionMode.Decompress))
        using (var reader = new StreamReader(gz, Encoding.UTF8)) sql = reader.ReadToEnd();
        var at = sql.LastIndexOf("\nCOPY ", StringComparison.Ordinal); // after the schema, before the last table's rows
        sql = sql[..at] + "\nTHIS IS NOT SQL AT ALL;\n" + sql[at..];
        using var output = new GZipStream(File.Create(damaged), CompressionLevel.Fastest);
        output.Write(Encoding.UTF8.GetBytes(sql));
    }

    private static List<string> Listing(string root) =>
        Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Select(p => p[root.Length..]).Order(StringComparer.Ordinal).ToList();

    private static void CopyTree(string from, string to)
    {
        using var cp = Process.Start("cp", ["-a", from, to])!;
        cp.WaitForExit();
        Assert.Equal(0, cp.ExitCode);
    }

    /// <summary>A tmpfs of a given size mounted over a folder for the test, unmounted at the end.</summary>
    private sealed class SmallVolume : IDisposable
    {
        private readonly string _path;
        private readonly Action _before;
        private SmallVolume(string path, Action before) => (_path, _before) = (path, before);

        /// <param name="before">runs before the unmount, whatever the test's outcome.</param>
        public static SmallVolume Mount(string path, int megabytes, Action before)
        {
            Directory.CreateDirectory(path);
            Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m,mode=0755", "tmpfs", path);
            return new SmallVolume(path, before);
        }

        /// <summary>Writes a file until the volume is full.</summary>
        public void Fill(string file)
        {
            using var f = File.Create(file);
            var chunk = new byte[1 << 20];
            try { while (true) f.Write(chunk); }
            catch (IOException) { }
        }

        public void Dispose()
        {
            try { _before(); }
            finally { Run("umount", "-l", _path); } // lazy: a process still holding a file never fails the test
        }

        private static void Run(string tool, params string[] args)
        {
            using var p = Process.Start(tool, args)!;
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, $"{tool} {string.Join(' ', args)} failed");
        }
    }
}
