using System.Diagnostics;
using Replica.Core;
using Replica.Core.Runs;
using Replica.Core.Workflows;
using Replica.Tests.Support;

namespace Replica.Tests.Workflows;

/// <summary>start and stop on the local platform: real PostgreSQL servers, the sample stack, real folders.</summary>
public class LocalStartStopTests
{
    [Fact]
    public async Task Start_restores_latest_backup_runs_stack_on_productions_tag_mirrors_media_and_stop_keeps_media()
    {
        await using var t = new LocalTarget();
        var progress = new CollectingProgress();
        var result = await t.Workflows.StartAsync(new StartRequest("staging"), progress, CancellationToken.None);
        Assert.True(result.Status == RunStatus.Succeeded, result.Message + "\n" + progress.Text);

        Assert.Equal("backup-2026-11-24T02:04:07Z-dumpall.sql.gz", result.Backup!.Name);
        Assert.Equal("cluster-dump", result.BackupFlavour);
        Assert.Equal("2026.11.2", result.ImageTag);
        var db = result.Database!;
        Assert.Equal("frag", db.Database);
        Assert.Equal(48, await LocalTarget.CountAsync(db, "SELECT count(*) FROM auth_user"));
        Assert.Equal(8, await LocalTarget.CountAsync(db, "SELECT count(*) FROM django_migrations"));
        Assert.Equal(2000, await LocalTarget.CountAsync(db, "SELECT count(*) FROM viewer_event_log"));
        Assert.Equal(1, await LocalTarget.CountAsync(db, "SELECT count(*) FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE d.datname = 'frag' AND r.rolname = 'fragalysis'"));
        Assert.Equal(1, await LocalTarget.CountAsync(db, "SELECT count(*) FROM pg_roles WHERE rolname = 'admin' AND rolsuper"));
        // The instance was created for bulk loading and handed over durable.
        Assert.Equal(4, await LocalTarget.CountAsync(db, "SELECT count(*) FROM pg_settings WHERE (name, setting) IN (('fsync', 'on'), ('full_page_writes', 'on'), ('wal_level', 'replica'), ('synchronous_commit', 'on'))"));
        Assert.Equal(result.Restore!.Rows, await LocalTarget.CountAsync(db,
            "SELECT (SELECT count(*) FROM auth_user) + (SELECT count(*) FROM django_migrations) + (SELECT count(*) FROM viewer_project) + (SELECT count(*) FROM viewer_target) + (SELECT count(*) FROM viewer_site_observation) + (SELECT count(*) FROM viewer_event_log)"));

        // The stack is up on production's tag and sees the database and the media.
        using var http = new HttpClient();
        var page = await http.GetStringAsync(result.Stack!.Url);
        Assert.Contains("<b id=\"image-tag\">2026.11.2</b>", page);
        Assert.Contains("<td>public.auth_user</td><td>48</td>", page);
        var media = t.Workspace.TargetMedia("staging");
        Assert.Empty(TreeComparison.Differences(t.Workspace.MediaBackup, media));
        Assert.Contains($"<b id=\"media-files\">{FilesAsTheStackCounts(media)}</b>", page);
        Assert.Equal(0, result.Media!.FilesUnchanged);
        Assert.True(result.Media.FilesCopied > 300);
        Assert.True(result.Media.SymlinksWritten > 0);

        // status says what runs, with the password only in the URL
        var status = (await new Replica.Core.Status.TargetStatusReader(t.Workflows.Config, t.Store, new Replica.Cli.PlatformFactory()).ReadAsync("staging", default)).Single();
        Assert.Equal("running", status.State);
        Assert.Equal("2026.11.2", status.ImageTag);
        Assert.Equal(db.Port, status.Database!.Port);
        Assert.Equal(result.RunId, status.LastRun!.Id);

        // Passwords never reach the run log or the progress lines.
        Assert.DoesNotContain(db.Password, progress.Text);
        Assert.DoesNotContain(db.Password, string.Join("\n", t.Store.Log(result.RunId).Select(l => l.Message)));
        Assert.Equal(["create database", "restore database", "sync media", "start stack"], t.Store.Steps(result.RunId).Select(s => s.Name));
        Assert.All(t.Store.Steps(result.RunId), s => Assert.Equal("succeeded", s.Outcome));

        var stop = await t.Workflows.StopAsync("staging", removeMedia: false, new CollectingProgress(), CancellationToken.None);
        Assert.Equal(RunStatus.Succeeded, stop.Status);
        Assert.False(LocalTarget.PortAnswers(db.Port));
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetStringAsync(result.Stack.Url));
        var instances = Path.Combine(t.Workspace.StateDir, "targets", "staging", "databases");
        Assert.True(!Directory.Exists(instances) || !Directory.EnumerateFileSystemEntries(instances).Any()); // no instance folder or record left
        Assert.Empty(TreeComparison.Differences(t.Workspace.MediaBackup, media)); // media kept
        var after = (await new Replica.Core.Status.TargetStatusReader(t.Workflows.Config, t.Store, new Replica.Cli.PlatformFactory()).ReadAsync("staging", default)).Single();
        Assert.Equal("stopped", after.State);
        Assert.Null(after.Database);
        Assert.Equal(media, after.MediaPath);
    }

    [Fact]
    public async Task Second_start_copies_only_changed_media_and_replaces_the_database()
    {
        await using var t = new LocalTarget();
        var first = await t.Workflows.StartAsync(new StartRequest("staging"), new CollectingProgress(), CancellationToken.None);
        Assert.Equal(RunStatus.Succeeded, first.Status);
        var media = t.Workspace.TargetMedia("staging");
        var untouched = Path.Combine(media, "pdbs", "ref_0.pdb");
        var inode = Inode(untouched);
        await using (var c = new Npgsql.NpgsqlConnection($"Host=127.0.0.1;Port={first.Database!.Port};Username={first.Database.User};Password={first.Database.Password};Database=frag;Pooling=false"))
        {
            await c.OpenAsync();
            await new Npgsql.NpgsqlCommand("INSERT INTO auth_user (username, email, first_name, date_joined) VALUES ('local', 'l@x', 'L', now())", c).ExecuteNonQueryAsync();
        }

        // Production's media changes: one file modified, one added, one deleted.
        var src = t.Workspace.MediaBackup;
        var changed = Path.Combine(src, "pdbs", "ref_1.pdb");
        File.AppendAllText(changed, "MORE\n");
        File.WriteAllText(Path.Combine(src, "pdbs", "new.pdb"), "NEW\n");
        File.Delete(Path.Combine(src, "pdbs", "ref_2.pdb"));

        var second = await t.Workflows.StartAsync(new StartRequest("staging"), new CollectingProgress(), CancellationToken.None);
        Assert.Equal(RunStatus.Succeeded, second.Status);
        Assert.Equal(1, second.Media!.FilesCopied);
        Assert.Equal(1, second.Media.FilesUpdated);
        Assert.Equal(1, second.Media.FilesDeleted);
        Assert.Equal(0, second.Media.SymlinksWritten);
        Assert.True(second.Media.FilesUnchanged > 300);
        Assert.Equal(inode, Inode(untouched)); // unchanged files are not rewritten
        Assert.Empty(TreeComparison.Differences(src, media));
        // a new instance: the local change is gone, the first instance is stopped
        Assert.Equal(48, await LocalTarget.CountAsync(second.Database!, "SELECT count(*) FROM auth_user"));
        if (second.Database!.Port != first.Database.Port) Assert.False(LocalTarget.PortAnswers(first.Database.Port));
        Assert.NotEqual(first.Database.Password, second.Database.Password);
    }

    [Fact]
    public async Task Db_only_start_leaves_media_alone_and_wipe_removes_every_trace()
    {
        await using var t = new LocalTarget();
        var result = await t.Workflows.StartAsync(new StartRequest("staging", DbOnly: true), new CollectingProgress(), CancellationToken.None);
        Assert.Equal(RunStatus.Succeeded, result.Status);
        Assert.Null(result.Media);
        Assert.DoesNotContain("sync media", t.Store.Steps(result.RunId).Select(s => s.Name));
        Assert.Empty(Directory.EnumerateFileSystemEntries(t.Workspace.TargetMedia("staging"))); // the stack's MEDIA_ROOT exists, empty
        Assert.Equal(48, await LocalTarget.CountAsync(result.Database!, "SELECT count(*) FROM auth_user"));

        var wipe = await t.Workflows.WipeAsync("staging", new CollectingProgress(), CancellationToken.None);
        Assert.Equal(RunStatus.Succeeded, wipe.Status);
        Assert.False(Directory.Exists(Path.Combine(t.Workspace.StateDir, "targets", "staging")));
        Assert.False(LocalTarget.PortAnswers(result.Database!.Port));
        Assert.Null(t.Store.FindTarget("staging"));
        Assert.True(Directory.Exists(t.Workspace.MediaBackup)); // the source is never touched
    }

    [Fact]
    public async Task Upgrade_redeploys_only_the_stack_on_another_tag()
    {
        await using var t = new LocalTarget();
        var start = await t.Workflows.StartAsync(new StartRequest("staging", DbOnly: true), new CollectingProgress(), CancellationToken.None);
        Assert.Equal(RunStatus.Succeeded, start.Status);
        var upgrade = await t.Workflows.UpgradeAsync("staging", "2026.12.0", new CollectingProgress(), CancellationToken.None);
        Assert.Equal(RunStatus.Succeeded, upgrade.Status);
        using var http = new HttpClient();
        Assert.Contains("<b id=\"image-tag\">2026.12.0</b>", await http.GetStringAsync(upgrade.Stack!.Url));
        Assert.Equal(start.Database!.Port, upgrade.Database!.Port); // same database instance
        Assert.Equal("2026.12.0", t.Store.FindTarget("staging")!.ImageTag);
    }

    [Fact]
    public async Task A_stack_that_never_gets_ready_fails_the_run_with_its_output()
    {
        await using var t = new LocalTarget();
        t.Workspace.WriteConfig(t.Workspace.DefaultConfig().Replace($"python3 {Path.Combine(Workspace.RepoRoot, "samples", "stack", "app.py")}", "echo cannot find settings module; exit 3"));
        var workflows = new TargetWorkflows(t.Workspace.LoadConfig(), t.Store, new Replica.Cli.PlatformFactory());
        var result = await workflows.StartAsync(new StartRequest("staging", DbOnly: true), new CollectingProgress(), CancellationToken.None);
        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Contains("cannot find settings module", result.Message);
        Assert.Equal("failed", t.Store.Steps(result.RunId).Single(s => s.Name == "start stack").Outcome);
        Assert.Equal("failed", t.Store.FindTarget("staging")!.State);
    }

    /// <summary>Like Python's os.walk: links to folders are not entered; every other entry is a file.</summary>
    private static int FilesAsTheStackCounts(string dir)
    {
        var n = 0;
        foreach (var e in new DirectoryInfo(dir).EnumerateFileSystemInfos())
        {
            var isDir = e is DirectoryInfo || (e.LinkTarget is not null && Directory.Exists(e.FullName));
            if (!isDir) n++;
            else if (e.LinkTarget is null) n += FilesAsTheStackCounts(e.FullName);
        }
        return n;
    }

    private static long Inode(string path)
    {
        var psi = new ProcessStartInfo("stat", ["-c", "%i", path]) { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        return long.Parse(p.StandardOutput.ReadToEnd().Trim());
    }
}
