using k8s;
using Npgsql;
using Replica.Core.Runs;
using Replica.Core.Workflows;
using Replica.Kubernetes.Manifests;
using Replica.Postgres.Instances;

namespace Replica.Kubernetes.Tests.Workflows;

/// <summary>
/// The per-run database pod restores with the local platform's bulk-load settings (given as the server's
/// `postgres -c …` arguments) and is handed over durable before anything uses it: restarted without them after a
/// flush of its volume, checked and checkpointed by a Job. Simulated cluster; the servers are real PostgreSQL.
/// </summary>
public sealed class HandOverTests : IAsyncLifetime
{
    private SimulatedStaging _s = null!;
    private const string Ns = SimulatedStaging.Namespace;

    public async Task InitializeAsync() => _s = await SimulatedStaging.StartAsync();
    public async Task DisposeAsync() => await _s.DisposeAsync();

    private static async Task<Dictionary<string, string>> SettingsAsync(PostgresInstance server)
    {
        await using var c = new NpgsqlConnection(server.ConnectionString());
        await c.OpenAsync();
        var found = new Dictionary<string, string>();
        foreach (var name in new[] { "fsync", "full_page_writes", "wal_level", "synchronous_commit", "autovacuum" })
        {
            await using var show = new NpgsqlCommand($"SHOW {name}", c);
            found[name] = (string)(await show.ExecuteScalarAsync())!;
        }
        return found;
    }

    [Fact]
    public async Task The_restore_runs_into_a_bulk_load_server_and_the_stack_gets_a_durable_checkpointed_one()
    {
        Dictionary<string, string>? during = null;
        IList<string>? argsDuring = null;
        List<string>? containersDuring = null;
        string? flushingDuring = null;
        var progress = new CollectedProgress
        {
            OnLog = line =>
            {
                // While the restore Job's worker prints, the instance's server is the bulk-load one.
                if (during is not null || !line.StartsWith("restore: ", StringComparison.Ordinal)) return;
                PostgresInstance server;
                lock (_s.Databases) server = _s.Databases.Last();
                during = SettingsAsync(server).GetAwaiter().GetResult();
                var sets = _s.Client.AppsV1.ListNamespacedStatefulSet(Ns, labelSelector: ReplicaLabels.Select("staging", Components.Database));
                argsDuring = sets.Items.Single().Spec.Template.Spec.Containers[0].Args;
                containersDuring = sets.Items.Single().Spec.Template.Spec.Containers.Select(c => c.Name).ToList();
                var pod = _s.Client.CoreV1.ListNamespacedPod(Ns, labelSelector: ReplicaLabels.Select("staging", Components.Database)).Items
                    .Single(p => p.Metadata.Name.StartsWith(sets.Items.Single().Metadata.Name, StringComparison.Ordinal));
                using var log = _s.Client.CoreV1.ReadNamespacedPodLog(pod.Metadata.Name, Ns, container: DatabaseManifests.FlushWhileLoadingContainer);
                flushingDuring = new StreamReader(log).ReadToEnd();
            },
        };
        var result = await _s.Workflows.StartAsync(new StartRequest("staging"), progress, CancellationToken.None);
        Assert.True(result.Status == RunStatus.Succeeded, $"{result.Status}: {result.Message}\n{progress.Text}\n{await _s.DescribeAsync()}");

        Assert.NotNull(during);
        Assert.Equal("off", during!["fsync"]);
        Assert.Equal("off", during["full_page_writes"]);
        Assert.Equal("minimal", during["wal_level"]);
        Assert.Equal("off", during["synchronous_commit"]);
        // The same list as a local bulk-load instance, as the server's arguments.
        Assert.Equal(["postgres", .. ServerSettings.BulkLoad.SelectMany(s => new[] { "-c", $"{s.Key}={s.Value}" })], argsDuring!);
        // Beside it, a container flushes the data volume while the restore loads (replica worker flush-data, run for real).
        Assert.Equal([DatabaseManifests.Container, DatabaseManifests.FlushWhileLoadingContainer], containersDuring!);
        Assert.Contains("replica worker flush-data: flushing the file system of ", flushingDuring);

        // The server the stack uses now: a new one on the same volume, with durable settings.
        Assert.Equal(2, _s.Databases.Count);
        Assert.Equal(_s.Databases[0].DataDirectory, _s.Databases[1].DataDirectory);
        var after = await SettingsAsync(_s.Databases[1]);
        Assert.Equal("on", after["fsync"]);
        Assert.Equal("on", after["full_page_writes"]);
        Assert.Equal("replica", after["wal_level"]);
        Assert.Equal("on", after["synchronous_commit"]);
        Assert.Equal("on", after["autovacuum"]);
        await using (var c = new NpgsqlConnection(_s.Databases[1].ConnectionString("frag")))
        {
            await c.OpenAsync();
            await using var q = new NpgsqlCommand("SELECT count(*) FROM django_migrations", c);
            Assert.True((long)(await q.ExecuteScalarAsync())! > 0, "the restored data did not survive the restart");
        }

        var set = await _s.Client.AppsV1.ReadNamespacedStatefulSetAsync(ObjectNames.DatabaseInstance(result.RunId), Ns);
        Assert.Null(set.Spec.Template.Spec.Containers[0].Args);
        Assert.Equal([DatabaseManifests.Container], set.Spec.Template.Spec.Containers.Select(c => c.Name));
        var flush = Assert.Single(set.Spec.Template.Spec.InitContainers);
        Assert.Equal(["sync", "-f", DatabaseManifests.DataMount], flush.Command);
        Assert.Equal(false, flush.SecurityContext.AllowPrivilegeEscalation);
        Assert.Equal(["ALL"], flush.SecurityContext.Capabilities.Drop);
        Assert.True(flush.SecurityContext.ReadOnlyRootFilesystem);

        // The flush really ran (sync -f on the claim's folder) and succeeded before the durable server started.
        var pod = await _s.Client.CoreV1.ReadNamespacedPodAsync($"{ObjectNames.DatabaseInstance(result.RunId)}-0", Ns);
        Assert.Equal(0, pod.Status.InitContainerStatuses.Single().State.Terminated.ExitCode);
        using (var log = await _s.Client.CoreV1.ReadNamespacedPodLogAsync(pod.Metadata.Name, Ns, container: DatabaseManifests.FlushContainer))
            Assert.Contains("running sync -f ", await new StreamReader(log).ReadToEndAsync());

        // The hand-over Job checked the settings and checkpointed; the run log says the instance is durable.
        var lines = _s.Store.Log(result.RunId).Select(l => l.Message).ToList();
        Assert.Contains(lines, l => l == $"database instance {result.RunId} is durable: fsync on, full_page_writes on, wal_level replica, synchronous_commit on; checkpoint done");
        var handOver = await _s.Client.BatchV1.ReadNamespacedJobAsync(ObjectNames.HandOverJob(result.RunId), Ns);
        Assert.Equal(1, handOver.Status.Succeeded);
        var order = lines.FindIndex(l => l.Contains("is durable:", StringComparison.Ordinal));
        Assert.True(order >= 0 && order < lines.FindIndex(l => l.Contains($"creating StatefulSet {ObjectNames.Stack}", StringComparison.Ordinal)), "the stack started before the hand-over");
    }

    [Fact]
    public async Task A_hand_over_that_finds_a_server_not_durable_fails_the_run_and_the_previous_instance_keeps_serving()
    {
        var first = await _s.Workflows.StartAsync(new StartRequest("staging"), new CollectedProgress(), CancellationToken.None);
        Assert.True(first.Status == RunStatus.Succeeded, first.Message);
        var stackPort = _s.StackPorts.Last();

        // A database image whose own configuration turns fsync off: its restarted, "durable" server is not.
        _s.DatabaseImageSettings = pod => pod.Command.Count == 0 ? new Dictionary<string, string> { ["fsync"] = "off" } : null;
        var progress = new CollectedProgress();
        var failed = await _s.Workflows.StartAsync(new StartRequest("staging"), progress, CancellationToken.None);
        Assert.True(failed.Status == RunStatus.Failed, $"{failed.Status}: {failed.Message}\n{progress.Text}");
        Assert.Contains("fsync off", failed.Message);
        Assert.Contains("not durable", failed.Message);
        Assert.Contains(progress.Steps, s => s.Step == TargetWorkflows.StepRestore && s.Outcome == Replica.Core.Progress.StepOutcome.Failed);
        Assert.Contains($"staging still runs backup {first.Backup!.Name} restored by run {first.RunId}", failed.Kept);

        Assert.Equal(first.RunId, _s.Store.FindTarget("staging")!.Database);
        var service = await _s.Client.CoreV1.ReadNamespacedServiceAsync(ObjectNames.Database, Ns);
        Assert.Equal(ReplicaLabels.RunValue(first.RunId), service.Spec.Selector[ReplicaLabels.Run]);
        using var http = new HttpClient();
        Assert.Contains(SimulatedStaging.ProductionTag, await http.GetStringAsync($"http://127.0.0.1:{stackPort}/"));
        await Simulation.Eventually.True(async () =>
            (await _s.Client.AppsV1.ListNamespacedStatefulSetAsync(Ns, labelSelector: $"{ReplicaLabels.Run}={ReplicaLabels.RunValue(failed.RunId)}")).Items.Count == 0
            && (await _s.Client.BatchV1.ListNamespacedJobAsync(Ns, labelSelector: $"{ReplicaLabels.Run}={ReplicaLabels.RunValue(failed.RunId)}")).Items.Count == 0,
            "the failed run's instance and Jobs removed");
    }
}
