using k8s;
using Replica.Core.Runs;
using Replica.Core.Workflows;
using Replica.Kubernetes.Manifests;

namespace Replica.Kubernetes.Tests.Workflows;

/// <summary>Waiting survives what a real API server does to long watches: ending them, and expiring old resourceVersions.</summary>
public sealed class WatchResilienceTests : IAsyncLifetime
{
    private SimulatedStaging _s = null!;

    public async Task InitializeAsync() => _s = await SimulatedStaging.StartAsync();
    public async Task DisposeAsync() => await _s.DisposeAsync();

    [Fact]
    public async Task A_wait_whose_watches_are_dropped_and_expired_still_sees_the_database_become_ready()
    {
        // Short enough that a wait which lost its watch fails this test instead of hanging it.
        _s.Options = _s.Options with { DatabaseReadyTimeout = TimeSpan.FromSeconds(30) };
        _s.DatabaseGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var progress = new CollectedProgress();
        var run = _s.Workflows.StartAsync(new StartRequest("staging", DbOnly: true), progress, CancellationToken.None);

        // The platform has listed the database's pods and watches them (the pod is held back by the gate).
        await Simulation.Eventually.True(() => Task.FromResult(progress.Lines.Any(l => l.Message.StartsWith("database: pod database-", StringComparison.Ordinal))),
            "the platform waiting on the database pod");
        for (var i = 0; i < 5; i++)
        {
            await Task.Delay(200);
            _s.Cluster.CompactHistory();
            _s.Cluster.DropWatches();
        }
        _s.DatabaseGate.SetResult();

        var result = await run;
        Assert.True(result.Status == RunStatus.Succeeded, $"{result.Message}\n{progress.Text}");
        Assert.NotNull(result.Restore);
    }
}
