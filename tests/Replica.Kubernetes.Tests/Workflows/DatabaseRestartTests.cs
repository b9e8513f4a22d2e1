using k8s;
using Replica.Core.Runs;
using Replica.Core.Workflows;
using Replica.Kubernetes.Tests.Simulation;

namespace Replica.Kubernetes.Tests.Workflows;

/// <summary>The database pod, deleted after the restore, comes back on its existing data (as the postgres image does on a kept volume).</summary>
public sealed class DatabaseRestartTests : IAsyncLifetime
{
    private SimulatedStaging _s = null!;

    public async Task InitializeAsync() => _s = await SimulatedStaging.StartAsync();
    public async Task DisposeAsync() => await _s.DisposeAsync();

    private static async Task<long> TablesAsync(Replica.Postgres.Instances.PostgresInstance db)
    {
        await using var c = new Npgsql.NpgsqlConnection(db.ConnectionString("frag"));
        await c.OpenAsync();
        await using var count = new Npgsql.NpgsqlCommand("select count(*) from information_schema.tables where table_schema = 'public'", c);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    /// <summary>A live process (a zombie waiting for its parent to reap it runs nothing).</summary>
    private static bool Alive(int pid) => Stat(pid) is { } stat && stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';

    private static string? Stat(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/stat"); }
        catch (IOException) { return null; }
    }

    [Fact]
    public async Task A_restarted_database_pod_serves_the_restored_data()
    {
        var result = await _s.Workflows.StartAsync(new StartRequest("staging", DbOnly: true), new CollectedProgress(), CancellationToken.None);
        Assert.True(result.Status == RunStatus.Succeeded, result.Message);
        // The restore's bulk-load server, then the durable one the hand-over restarted: the second serves.
        Assert.Equal(2, _s.Databases.Count);
        var first = _s.Databases[1];
        var tables = await TablesAsync(first);
        Assert.True(tables > 0);

        var pod = $"{Replica.Kubernetes.Manifests.ObjectNames.DatabaseInstance(result.RunId)}-0"; // the run's own database StatefulSet
        var firstPid = first.ProcessId;
        Assert.NotNull(firstPid);
        await _s.Client.CoreV1.DeleteNamespacedPodAsync(pod, SimulatedStaging.Namespace);
        try { await Eventually.True(() => Task.FromResult(_s.Databases.Count == 3 && _s.Databases[2].IsRunning), "a second server on the same volume"); }
        catch (TimeoutException)
        {
            var events = (await _s.Client.CoreV1.ListNamespacedEventAsync(SimulatedStaging.Namespace)).Items.Where(e => e.InvolvedObject.Name == pod)
                .Select(e => $"{e.Reason}: {e.Message}");
            string log;
            try { using var l = await _s.Client.CoreV1.ReadNamespacedPodLogAsync(pod, SimulatedStaging.Namespace, container: "postgres"); log = await new StreamReader(l).ReadToEndAsync(); }
            catch (Exception x) { log = x.Message; }
            Assert.Fail($"servers {_s.Databases.Count}\n{await _s.DescribeAsync()}\n{string.Join("\n", events)}\nlog: {log}");
        }
        // The same data directory (postmaster.pid there now names the new server); the old server is gone with its pod.
        Assert.Equal(first.DataDirectory, _s.Databases[2].DataDirectory);
        Assert.NotEqual(firstPid, _s.Databases[2].ProcessId);
        Assert.False(Alive(firstPid!.Value), $"the first server (pid {firstPid}) outlived its pod: {Stat(firstPid.Value)}");
        Assert.Equal(tables, await TablesAsync(_s.Databases[2]));
    }
}
