using Replica.Core;
using Replica.Core.Workflows;

namespace Replica.Kubernetes.Tests.Workflows;

/// <summary>A kubernetes target never shares production's namespace or a protected target's; refused before any request.</summary>
public sealed class NamespaceGuardTests : IAsyncLifetime
{
    private const string Extra = """
          sneaky:
            platform: kubernetes
            kubernetes: { context: simulation, namespace: production-stack }
          archive:
            protected: true
            platform: kubernetes
            kubernetes: { context: simulation, namespace: archive-stack }
          clash:
            platform: kubernetes
            kubernetes: { context: simulation, namespace: archive-stack }
        """;

    private SimulatedStaging _s = null!;

    public async Task InitializeAsync() => _s = await SimulatedStaging.StartAsync(Extra);
    public async Task DisposeAsync() => await _s.DisposeAsync();

    [Theory]
    [InlineData("sneaky", "production's")]
    [InlineData("clash", "protected target 'archive'")]
    public async Task Every_workflow_is_refused_and_nothing_is_written(string target, string why)
    {
        var before = _s.Cluster.Requests.Count;
        var p = new CollectedProgress();
        var refusals = new List<RefusedException>
        {
            await Assert.ThrowsAsync<RefusedException>(() => _s.Workflows.StartAsync(new StartRequest(target), p, CancellationToken.None)),
            await Assert.ThrowsAsync<RefusedException>(() => _s.Workflows.PlanStartAsync(new StartRequest(target), CancellationToken.None)),
            await Assert.ThrowsAsync<RefusedException>(() => _s.Workflows.StopAsync(target, true, p, CancellationToken.None)),
            await Assert.ThrowsAsync<RefusedException>(() => _s.Workflows.WipeAsync(target, p, CancellationToken.None)),
            await Assert.ThrowsAsync<RefusedException>(() => _s.Workflows.UpgradeAsync(target, "2026.11.2", p, CancellationToken.None)),
        };
        foreach (var e in refusals) Assert.Contains(why, e.Message);
        Assert.Empty(_s.Cluster.Requests.Skip(before));
    }

    [Fact]
    public async Task The_platform_itself_refuses_to_write_in_productions_namespace()
    {
        // Belt and braces: even a caller that skipped the workflow guards cannot make the platform write there.
        var platform = _s.Platform("sneaky");
        var run = new RunContext(_s.Config, _s.Config.Target("sneaky"), "20261125T000000-beef", new CollectedProgress(), CancellationToken.None);
        var before = _s.Cluster.Requests.Count;
        await Assert.ThrowsAsync<RefusedException>(() => platform.CreateDatabaseAsync(run, run.RunId));
        await Assert.ThrowsAsync<RefusedException>(() => platform.StopStackAsync(run));
        await Assert.ThrowsAsync<RefusedException>(() => platform.RemoveTargetAsync(run));
        await Assert.ThrowsAsync<RefusedException>(() => platform.ListBackupsAsync(_s.Config.Target("sneaky"), _s.Config.Source.DatabaseBackups, forPlan: true, CancellationToken.None));
        Assert.Empty(_s.Cluster.Requests.Skip(before));
    }

    [Fact]
    public async Task A_start_of_staging_reads_productions_namespace_but_never_writes_there()
    {
        var result = await _s.Workflows.StartAsync(new StartRequest("staging", DbOnly: true), new CollectedProgress(), CancellationToken.None);
        Assert.True(result.Status == Replica.Core.Runs.RunStatus.Succeeded, result.Message);
        Assert.Contains(_s.Cluster.Requests, r => r.Namespace == SimulatedStaging.ProductionNamespace && r.Method == "GET");
        Assert.Empty(_s.WritesIn(SimulatedStaging.ProductionNamespace));
    }
}
