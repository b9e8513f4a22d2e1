using k8s;
using Replica.Kubernetes.Manifests;
using Replica.Kubernetes.Tests.Simulation;
using Replica.Kubernetes.Tests.Workflows;

namespace Replica.Kubernetes.Tests.Kubectl;

/// <summary>
/// `replica render start` output applied with the real kubectl (`kubectl apply -f`, all at once)
/// runs in order on the simulated cluster: the restore Job waits in its init container until the
/// database answers, the stack until the restored database exists; then get, wait, logs, and a
/// delete by label that leaves no pod (and no stack process) behind.
/// </summary>
public sealed class RenderedStartTests : IAsyncLifetime
{
    private SimulatedStaging _s = null!;
    private Kubectl _kubectl = null!;
    private const string Run = "20261125T143000-ab12";
    private const string Ns = SimulatedStaging.Namespace;

    public async Task InitializeAsync()
    {
        Kubectl.Require();
        _s = await SimulatedStaging.StartAsync();
        _kubectl = new Kubectl(_s.Cluster);
    }

    public async Task DisposeAsync() => await _s.DisposeAsync();

    private string Rendered() => StartRender.Yaml(_s.Config, _s.Config.Target("staging"), SimulatedStaging.ProductionTag, "given",
        "hourly/backup-2026-11-24T02:04:07Z-dumpall.sql.gz", dbOnly: false, Run, "replica:simulation");

    [Fact]
    public async Task Kubectl_applies_the_rendered_start_and_it_runs_in_order()
    {
        // The database server starts only when the test says so: meanwhile the restore must wait, not fail.
        _s.DatabaseGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var applied = await _kubectl.SucceedsAsync(Rendered(), "apply", "-f", "-");
        foreach (var line in new[] { $"namespace/{Ns}", "secret/database", "statefulset.apps/database", "service/database",
                     $"job.batch/{ObjectNames.RestoreJob(Run)}", "statefulset.apps/stack", $"job.batch/{ObjectNames.SyncMediaJob(Run)}" })
            Assert.Contains(line, applied.Output);

        var restore = ObjectNames.RestoreJob(Run);
        var waiting = await Eventually.Get(async () => (await _s.Client.CoreV1.ListNamespacedPodAsync(Ns, labelSelector: $"{ReplicaLabels.Job}={restore}")).Items.FirstOrDefault(),
            p => p?.Status?.InitContainerStatuses?.FirstOrDefault()?.State?.Running is not null, "the restore pod waiting in its init container");
        Assert.Equal("Pending", waiting!.Status.Phase);
        var initLog = await _kubectl.SucceedsAsync(null, "-n", Ns, "logs", waiting.Metadata.Name, "-c", DatabaseWait.Container);
        Assert.Contains("database", initLog.Output);
        _s.DatabaseGate.SetResult();

        await _kubectl.SucceedsAsync(null, "-n", Ns, "wait", "--for=condition=complete", $"job/{restore}", "--timeout=180s");

        // The stack waits until the instance runs durable; the hand-over the header prints, sent with kubectl, makes it so.
        var t = ClusterTarget.From(_s.Config, _s.Config.Target("staging"), "replica:simulation");
        var handOver = StartRender.HandOverCommand(t, Run);
        Assert.Contains(handOver, Rendered());
        var patch = k8s.KubernetesJson.Serialize(DatabaseManifests.HandOverPatch(t));
        await _kubectl.SucceedsAsync(null, "-n", Ns, "patch", "statefulset", ObjectNames.DatabaseInstance(Run), "--type=json", "-p", patch);
        await Eventually.True(() => Task.FromResult(_s.Databases.Count == 2), "the database pod restarted durable");
        await _kubectl.SucceedsAsync(null, "-n", Ns, "wait", "--for=condition=complete", $"job/{ObjectNames.SyncMediaJob(Run)}", "--timeout=180s");
        await _kubectl.SucceedsAsync(null, "-n", Ns, "wait", "--for=condition=Ready", "pod", "-l", $"{ReplicaLabels.Component}={Components.Stack}", "--timeout=180s");

        // kubectl finds the Job's pod and its worker container (not the init container) by itself.
        var log = await _kubectl.SucceedsAsync(null, "-n", Ns, "logs", $"job/{restore}");
        Assert.Contains("frag", log.Output);
        await using (var db = new Npgsql.NpgsqlConnection(_s.Databases.Last().ConnectionString("frag")))
        {
            await db.OpenAsync();
            await using (var fsync = new Npgsql.NpgsqlCommand("show fsync", db))
                Assert.Equal("on", await fsync.ExecuteScalarAsync());
            await using var count = new Npgsql.NpgsqlCommand("select count(*) from information_schema.tables where table_schema = 'public'", db);
            Assert.True((long)(await count.ExecuteScalarAsync())! > 0, "the restore Job restored no table");
        }
        var pods = await _kubectl.SucceedsAsync(null, "-n", Ns, "get", "pods", "-l", $"{ReplicaLabels.Target}=staging", "-o", "name");
        foreach (var pod in new[] { "pod/database-20261125t143000-ab12-0", "pod/stack-0" }) Assert.Contains(pod, pods.Output);
        Assert.Single(_s.StackPorts);

        var deleted = await _kubectl.SucceedsAsync(null, "-n", Ns, "delete", "statefulsets,jobs,services,secrets,persistentvolumeclaims",
            "-l", $"{ReplicaLabels.Target}=staging", "--timeout=120s");
        Assert.Contains("statefulset.apps \"stack\" deleted", deleted.Output);
        await Eventually.True(async () => (await _s.Client.CoreV1.ListNamespacedPodAsync(Ns)).Items.Count == 0, "every pod gone");
        var left = await _kubectl.SucceedsAsync(null, "-n", Ns, "get", "all,secrets,pvc", "-o", "name");
        Assert.Equal("", left.Output.Trim());
        // No stack process outlives its pod.
        await Eventually.True(() => Task.FromResult(!PortAnswers(_s.StackPorts[0])), "the stack process gone with its pod");
        Assert.True(_s.Databases.All(d => !d.IsRunning), "a database server outlived its pod");
    }

    private static bool PortAnswers(int port)
    {
        try
        {
            using var client = new System.Net.Sockets.TcpClient();
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (System.Net.Sockets.SocketException) { return false; }
    }
}
