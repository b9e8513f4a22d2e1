using k8s;
using Replica.Core.Runs;
using Replica.Core.Workflows;
using Replica.Kubernetes.Manifests;

namespace Replica.Kubernetes.Tests.Workflows;

public sealed class UpgradeAndCancelTests : IAsyncLifetime
{
    private SimulatedStaging _s = null!;

    public async Task InitializeAsync() => _s = await SimulatedStaging.StartAsync();
    public async Task DisposeAsync() => await _s.DisposeAsync();

    [Fact]
    public async Task Upgrade_redeploys_only_the_stack_on_the_new_tag()
    {
        var start = await _s.Workflows.StartAsync(new StartRequest("staging", DbOnly: true), new CollectedProgress(), CancellationToken.None);
        Assert.True(start.Status == RunStatus.Succeeded, start.Message);
        var databasePod = (await _s.Client.CoreV1.ListNamespacedPodAsync(SimulatedStaging.Namespace, labelSelector: ReplicaLabels.Select("staging", Components.Database))).Items.Single();

        var upgrade = await _s.Workflows.UpgradeAsync("staging", "2026.12.1", new CollectedProgress(), CancellationToken.None);
        Assert.True(upgrade.Status == RunStatus.Succeeded, upgrade.Message);

        var stack = await _s.Client.AppsV1.ReadNamespacedStatefulSetAsync("stack", SimulatedStaging.Namespace);
        Assert.Equal($"{SimulatedStaging.StackImage}:2026.12.1", stack.Spec.Template.Spec.Containers[0].Image);
        Assert.Equal(upgrade.RunId, stack.Metadata.Labels[ReplicaLabels.Run]);
        using var http = new HttpClient();
        Assert.Contains("2026.12.1", await http.GetStringAsync($"http://127.0.0.1:{_s.StackPorts.Last()}/"));
        // The database was left alone: the same pod still runs.
        var after = (await _s.Client.CoreV1.ListNamespacedPodAsync(SimulatedStaging.Namespace, labelSelector: ReplicaLabels.Select("staging", Components.Database))).Items.Single();
        Assert.Equal(databasePod.Metadata.Uid, after.Metadata.Uid);
    }

    [Fact]
    public async Task Cancelling_during_the_restore_removes_the_jobs_and_the_database()
    {
        // The restore pod never gets going, so the run is certainly inside the restore step when cancelled.
        _s.Cluster.OnPodStart(p => p.Labels.GetValueOrDefault(ReplicaLabels.Component) == Components.Restore,
            async (_, ct) => { await Task.Delay(Timeout.Infinite, ct); return null; });
        using var cancel = new CancellationTokenSource();
        var run = _s.Workflows.StartAsync(new StartRequest("staging"), new CollectedProgress(), cancel.Token);
        await Simulation.Eventually.True(async () => (await _s.Client.CoreV1.ListNamespacedPodAsync(SimulatedStaging.Namespace,
            labelSelector: ReplicaLabels.Select("staging", Components.Restore))).Items.Count > 0, "the restore pod");
        await cancel.CancelAsync();
        var result = await run;

        Assert.Equal(RunStatus.Cancelled, result.Status);
        var all = ReplicaLabels.SelectTarget("staging");
        Assert.Empty((await _s.Client.BatchV1.ListNamespacedJobAsync(SimulatedStaging.Namespace, labelSelector: all)).Items);
        Assert.Empty((await _s.Client.AppsV1.ListNamespacedStatefulSetAsync(SimulatedStaging.Namespace, labelSelector: all)).Items);
        Assert.Empty((await _s.Client.CoreV1.ListNamespacedSecretAsync(SimulatedStaging.Namespace, labelSelector: all)).Items);
        Assert.Empty((await _s.Client.CoreV1.ListNamespacedPodAsync(SimulatedStaging.Namespace, labelSelector: all)).Items);
    }
}
