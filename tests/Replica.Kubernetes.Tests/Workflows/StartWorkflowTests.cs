using k8s;
using Npgsql;
using Replica.Core.Runs;
using Replica.Core.Workflows;
using Replica.Kubernetes.Manifests;

namespace Replica.Kubernetes.Tests.Workflows;

/// <summary>
/// start, stop, wipe and --db-only on a kubernetes target, end to end against the simulated
/// cluster: real worker processes restore into a real PostgreSQL and mirror real folders.
/// </summary>
public sealed class StartWorkflowTests : IAsyncLifetime
{
    private SimulatedStaging _s = null!;

    public async Task InitializeAsync() => _s = await SimulatedStaging.StartAsync();
    public async Task DisposeAsync() => await _s.DisposeAsync();

    private async Task<RunResult> StartAsync(bool dbOnly = false, CollectedProgress? progress = null)
    {
        progress ??= new CollectedProgress();
        var result = await _s.Workflows.StartAsync(new StartRequest("staging", DbOnly: dbOnly), progress, CancellationToken.None);
        if (result.Status != RunStatus.Succeeded)
            Assert.Fail($"start {result.Status}: {result.Message}\n{progress.Text}\n{await _s.DescribeAsync()}");
        return result;
    }

    private string MediaVolume => _s.Cluster.VolumePath(SimulatedStaging.Namespace, "media");

    [Fact]
    public async Task Start_restores_the_latest_backup_starts_the_stack_on_productions_tag_and_mirrors_the_media()
    {
        var progress = new CollectedProgress();
        var result = await StartAsync(progress: progress);
        // The restore worker's progress lines, followed from its pod, drive the run's progress.
        Assert.Contains(progress.Updates, u => u.Step == TargetWorkflows.StepRestore && u.BytesTotal == result.Backup!.SizeBytes && u.Phase is not null);
        // So do the sync worker's: its last line carries the final totals.
        Assert.Contains(progress.Updates, u => u.Step == TargetWorkflows.StepSyncMedia && u.FilesDone > 0 && u.FilesTotal == u.FilesDone && u.BytesTotal == u.BytesDone);

        Assert.Equal(SimulatedStaging.ProductionTag, result.ImageTag);
        Assert.Equal("backup-2026-11-24T02:04:07Z-dumpall.sql.gz", result.Backup!.Name);
        Assert.Equal("cluster-dump", result.Restore!.Flavour);
        Assert.Contains("frag", result.Restore.Databases);
        Assert.True(result.Restore.Rows > 0);

        // The restore went into the real server that played the database pod.
        var db = _s.Databases.Last();
        await using (var c = new NpgsqlConnection(db.ConnectionString("frag")))
        {
            await c.OpenAsync();
            await using var q = new NpgsqlCommand("SELECT count(*) FROM django_migrations", c);
            Assert.True((long)(await q.ExecuteScalarAsync())! > 0);
        }

        // The stack runs on production's tag and sees the database and the media.
        var stack = await _s.Client.AppsV1.ReadNamespacedStatefulSetAsync("stack", SimulatedStaging.Namespace);
        Assert.Equal($"{SimulatedStaging.StackImage}:{SimulatedStaging.ProductionTag}", stack.Spec.Template.Spec.Containers[0].Image);
        Assert.Equal($"http://stack.{SimulatedStaging.Namespace}.svc:8080/", result.Stack!.Url);
        using var http = new HttpClient();
        var page = await http.GetStringAsync($"http://127.0.0.1:{_s.StackPorts.Last()}/");
        Assert.Contains(SimulatedStaging.ProductionTag, page);

        TreeAssert.Mirrors(_s.MediaBackup, MediaVolume);
        Assert.True(result.Media!.FilesCopied > 0);
        Assert.Equal(0, result.Media.FilesUnchanged);

        // The workers' progress lines reach the run log while their Jobs run; their JSON summaries do not.
        var log = _s.Store.Log(result.RunId).Select(l => l.Message).ToList();
        Assert.Contains(log, l => l.StartsWith("restore: replica worker restore-db:", StringComparison.Ordinal));
        Assert.Contains(log, l => l.StartsWith("restore: ", StringComparison.Ordinal) && l.Contains("% data ", StringComparison.Ordinal));
        Assert.DoesNotContain(log, l => l.Contains("\"files_copied\"", StringComparison.Ordinal) || l.Contains("\"total_seconds\"", StringComparison.Ordinal) || l.Contains("\"progress\"", StringComparison.Ordinal));
        Assert.DoesNotContain(log, l => l.Contains(result.Database!.Password, StringComparison.Ordinal));

        Assert.Empty(_s.WritesIn(SimulatedStaging.ProductionNamespace));
        Assert.Empty(_s.Cluster.Faults);
    }

    [Fact]
    public async Task Second_start_copies_only_the_changed_media_and_replaces_the_database()
    {
        await StartAsync();
        var firstDatabasePassword = (await _s.Platform().ReadStateAsync(_s.Config.Target("staging"), _s.Store.FindTarget("staging")?.Database, CancellationToken.None)).Database!.Password;
        var total = TreeAssert.Entries(_s.MediaBackup).Count(e => File.Exists(Path.Combine(_s.MediaBackup, e)) && new FileInfo(Path.Combine(_s.MediaBackup, e)).LinkTarget is null);

        var changed = Directory.EnumerateFiles(_s.MediaBackup, "*", SearchOption.AllDirectories).First(f => new FileInfo(f).LinkTarget is null);
        await File.AppendAllTextAsync(changed, "changed in production");
        await File.WriteAllTextAsync(Path.Combine(_s.MediaBackup, "new-upload.txt"), "new");

        var second = await StartAsync();
        Assert.Equal(1, second.Media!.FilesUpdated);
        Assert.Equal(1, second.Media.FilesCopied);
        Assert.Equal(total - 1, second.Media.FilesUnchanged);
        TreeAssert.Mirrors(_s.MediaBackup, MediaVolume);

        var state = await _s.Platform().ReadStateAsync(_s.Config.Target("staging"), _s.Store.FindTarget("staging")?.Database, CancellationToken.None);
        // A new instance, reached with the same settings: the Secret `database` (and so the stack's configuration) stays as it was.
        Assert.Equal(firstDatabasePassword, state.Database!.Password);
        Assert.Equal(second.RunId, _s.Store.FindTarget("staging")!.Database);
        var claims = await _s.Client.CoreV1.ListNamespacedPersistentVolumeClaimAsync(SimulatedStaging.Namespace, labelSelector: ReplicaLabels.Select("staging", Components.Database));
        Assert.Equal([ObjectNames.DatabaseClaim(second.RunId)], claims.Items.Where(c => c.Metadata.DeletionTimestamp is null).Select(c => c.Metadata.Name));
    }

    [Fact]
    public async Task Stop_removes_stack_and_database_by_label_and_keeps_the_media_claim()
    {
        await StartAsync();
        var progress = new CollectedProgress();
        var stop = await _s.Workflows.StopAsync("staging", removeMedia: false, progress, CancellationToken.None);
        Assert.True(stop.Status == RunStatus.Succeeded, stop.Message + "\n" + progress.Text);

        var ns = SimulatedStaging.Namespace;
        var all = ReplicaLabels.SelectTarget("staging");
        Assert.Empty((await _s.Client.AppsV1.ListNamespacedStatefulSetAsync(ns, labelSelector: all)).Items);
        Assert.Empty((await _s.Client.BatchV1.ListNamespacedJobAsync(ns, labelSelector: all)).Items);
        Assert.Empty((await _s.Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: all)).Items);
        Assert.Empty((await _s.Client.CoreV1.ListNamespacedServiceAsync(ns, labelSelector: all)).Items);
        Assert.Empty((await _s.Client.CoreV1.ListNamespacedSecretAsync(ns, labelSelector: all)).Items);
        await Simulation.Eventually.True(async () => (await _s.Client.CoreV1.ListNamespacedPersistentVolumeClaimAsync(ns, labelSelector: all)).Items
            .Select(c => c.Metadata.Name).SequenceEqual(["media"]), "only the media claim left");
        TreeAssert.Mirrors(_s.MediaBackup, MediaVolume);

        var state = await _s.Platform().ReadStateAsync(_s.Config.Target("staging"), _s.Store.FindTarget("staging")?.Database, CancellationToken.None);
        Assert.False(state.DatabaseRunning);
        Assert.False(state.StackRunning);
        Assert.True(state.MediaExists);

        // Idempotent: a second stop finds nothing to do and succeeds.
        var again = await _s.Workflows.StopAsync("staging", removeMedia: false, new CollectedProgress(), CancellationToken.None);
        Assert.Equal(RunStatus.Succeeded, again.Status);
    }

    [Fact]
    public async Task Db_only_start_restores_and_starts_the_stack_without_a_media_job()
    {
        var result = await StartAsync(dbOnly: true);
        Assert.Null(result.Media);
        Assert.NotNull(result.Stack);
        var jobs = await _s.Client.BatchV1.ListNamespacedJobAsync(SimulatedStaging.Namespace, labelSelector: ReplicaLabels.Select("staging", Components.SyncMedia));
        Assert.Empty(jobs.Items);
        Assert.Empty(Directory.EnumerateFileSystemEntries(MediaVolume));
    }

    [Fact]
    public async Task Wipe_removes_everything_replica_made_including_the_media_claim()
    {
        await StartAsync();
        var wipe = await _s.Workflows.WipeAsync("staging", new CollectedProgress(), CancellationToken.None);
        Assert.Equal(RunStatus.Succeeded, wipe.Status);
        var all = ReplicaLabels.SelectTarget("staging");
        await Simulation.Eventually.True(async () => (await _s.Client.CoreV1.ListNamespacedPersistentVolumeClaimAsync(SimulatedStaging.Namespace, labelSelector: all)).Items.Count == 0,
            "no claims left");
        Assert.Empty((await _s.Client.CoreV1.ListNamespacedPodAsync(SimulatedStaging.Namespace, labelSelector: all)).Items);
        Assert.Null(_s.Store.FindTarget("staging"));
    }
}
