using Replica.Core;
using Replica.Core.Runs;
using Replica.Core.Workflows;
using Replica.Tests.Support;

namespace Replica.Tests.Workflows;

/// <summary>Guards and failures on the local platform: what is refused changes nothing; what fails says why.</summary>
public class LocalGuardAndFailureTests
{
    private const string Latest = "backup-2026-11-24T02:04:07Z-dumpall.sql.gz";

    [Fact]
    public async Task Refusals_change_nothing_on_a_running_target()
    {
        await using var t = new LocalTarget();
        var first = await t.Workflows.StartAsync(new StartRequest("staging", DbOnly: true), new CollectingProgress(), CancellationToken.None);
        Assert.Equal(RunStatus.Succeeded, first.Status);
        var runs = t.Store.ListRuns(null).Count;

        // a wrong image tag: both tags named
        var tag = await Assert.ThrowsAsync<RefusedException>(() => t.Workflows.StartAsync(new StartRequest("staging", ImageTag: "2027.1.0"), new CollectingProgress(), CancellationToken.None));
        Assert.Contains("2027.1.0", tag.Message);
        Assert.Contains("2026.11.2", tag.Message);

        // a newer backup that is not a dump: named, refused before anything changes
        var garbage = Path.Combine(t.Workspace.Backups, "hourly", "backup-2026-11-25T02:04:07Z-dumpall.sql.gz");
        File.WriteAllText(garbage, "this is not a dump");
        var bad = await Assert.ThrowsAsync<RefusedException>(() => t.Workflows.StartAsync(new StartRequest("staging"), new CollectingProgress(), CancellationToken.None));
        Assert.Contains(garbage, bad.Message);

        // too old
        var old = await Assert.ThrowsAsync<RefusedException>(() => t.Workflows.StartAsync(new StartRequest("staging", FromBackup: "2026-11-24T02:04:07Z", MaxAgeHours: 1), new CollectingProgress(), CancellationToken.None));
        Assert.Contains("--max-age-hours 1", old.Message);

        // protected, and the source as a target's media
        Assert.Contains("protected", (await Assert.ThrowsAsync<RefusedException>(() => t.Workflows.StopAsync("production", false, new CollectingProgress(), CancellationToken.None))).Message);
        t.Workspace.WriteConfig(t.Workspace.DefaultConfig().Replace("  dev:\n    platform: local", $"  dev:\n    platform: local\n    media: {{ path: {t.Workspace.MediaBackup}/inner }}"));
        var overlapping = new TargetWorkflows(t.Workspace.LoadConfig(), t.Store, new Replica.Cli.PlatformFactory());
        var overlap = (await Assert.ThrowsAsync<RefusedException>(() => overlapping.StartAsync(new StartRequest("dev"), new CollectingProgress(), CancellationToken.None))).Message;
        Assert.Contains("source.media_backup", overlap);
        Assert.Contains("targets.dev.media.path", overlap);

        Assert.Equal(runs, t.Store.ListRuns(null).Count); // nothing was run
        Assert.Equal(48, await LocalTarget.CountAsync(first.Database!, "SELECT count(*) FROM auth_user")); // still serving
    }

    [Fact]
    public async Task A_truncated_backup_fails_the_run_naming_the_file()
    {
        await using var t = new LocalTarget();
        var full = File.ReadAllBytes(Path.Combine(t.Workspace.Backups, "hourly", Latest));
        var truncated = Path.Combine(t.Workspace.Backups, "hourly", "backup-2026-11-25T02:04:07Z-dumpall.sql.gz");
        File.WriteAllBytes(truncated, full[..(full.Length * 2 / 3)]);
        var result = await t.Workflows.StartAsync(new StartRequest("staging", DbOnly: true), new CollectingProgress(), CancellationToken.None);
        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Contains(truncated, result.Message);
        Assert.Equal("failed", t.Store.Steps(result.RunId).Single(s => s.Name == "restore database").Outcome);
        Assert.Equal(RunStatus.Failed, t.Store.FindRun(result.RunId)!.Status);
        // the lock is released: the next run can go
        var next = await t.Workflows.StartAsync(new StartRequest("staging", FromBackup: "2026-11-24T02:04:07Z", DbOnly: true), new CollectingProgress(), CancellationToken.None);
        Assert.Equal(RunStatus.Succeeded, next.Status);
    }

    [Fact]
    public async Task A_second_run_on_a_busy_target_is_refused_with_the_holding_run_id()
    {
        await using var t = new LocalTarget();
        RefusedException? refused = null;
        var progress = new CollectingProgress
        {
            OnStep = step =>
            {
                if (step != "restore database") return;
                refused = Assert.Throws<TargetBusyException>(() =>
                    t.Workflows.StopAsync("staging", false, new CollectingProgress(), CancellationToken.None).GetAwaiter().GetResult());
            },
        };
        var result = await t.Workflows.StartAsync(new StartRequest("staging", DbOnly: true), progress, CancellationToken.None);
        Assert.Equal(RunStatus.Succeeded, result.Status);
        Assert.NotNull(refused);
        Assert.Contains(result.RunId, refused!.Message);
        Assert.Contains("busy", refused.Message);
    }

    [Fact]
    public async Task Cancelling_a_run_stops_what_it_started_and_records_it_cancelled()
    {
        await using var t = new LocalTarget();
        using var cts = new CancellationTokenSource();
        var progress = new CollectingProgress { OnStep = step => { if (step == "start stack") cts.Cancel(); } };
        var result = await t.Workflows.StartAsync(new StartRequest("staging"), progress, cts.Token);
        Assert.Equal(RunStatus.Cancelled, result.Status);
        Assert.Equal(RunStatus.Cancelled, t.Store.FindRun(result.RunId)!.Status);
        Assert.False(LocalTarget.PortAnswers(result.Database!.Port)); // the database it created is stopped
        Assert.Equal("cancelled", t.Store.Steps(result.RunId).Last().Outcome);
        // the lock is released
        var stop = await t.Workflows.StopAsync("staging", false, new CollectingProgress(), CancellationToken.None);
        Assert.Equal(RunStatus.Succeeded, stop.Status);
    }
}
