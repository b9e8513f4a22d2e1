using k8s;
using Npgsql;
using Replica.Core.Runs;
using Replica.Core.Workflows;
using Replica.Kubernetes.Manifests;

namespace Replica.Kubernetes.Tests.Workflows;

/// <summary>
/// after_restore steps of a kubernetes target (simulated cluster): SQL through a `replica worker run-sql` Job, a
/// command as a Job on the stack's image with the stack's environment pointed at the new instance (the simulation
/// runs that image's `sh -c` here, with psql), each before the stack starts, its output in the run's log; a failing
/// step fails the run and the previous instance keeps serving.
/// </summary>
public sealed class AfterRestoreTests : IAsyncLifetime
{
    private const string Ns = SimulatedStaging.Namespace;
    private SimulatedStaging _s = null!;

    private const string Steps = """
        after_restore:
          - sql: 'CREATE TABLE after_restore_marker (step text); INSERT INTO after_restore_marker VALUES (''sql'')'
            database: frag
          - command: 'psql -v ON_ERROR_STOP=1 -q "$DATABASE_URL" -c "INSERT INTO after_restore_marker VALUES (''command'')" && echo "fixed $REPLICA_TARGET in $PGDATABASE as $PGUSER"'
        """;

    public async Task InitializeAsync()
    {
        _s = await SimulatedStaging.StartAsync(staging: Steps);
        _s.Cluster.RunShell(SimulatedStaging.StackImage);
    }

    public async Task DisposeAsync() => await _s.DisposeAsync();

    private async Task<RunResult> StartAsync(CollectedProgress progress)
    {
        var result = await _s.Workflows.StartAsync(new StartRequest("staging"), progress, CancellationToken.None);
        if (result.Status != RunStatus.Succeeded)
            Assert.Fail($"start {result.Status}: {result.Message}\n{progress.Text}\n{await _s.DescribeAsync()}");
        return result;
    }

    private async Task<List<string>> MarkersAsync()
    {
        await using var c = new NpgsqlConnection(_s.Databases.Last().ConnectionString("frag"));
        await c.OpenAsync();
        await using var q = new NpgsqlCommand("SELECT step FROM after_restore_marker ORDER BY step", c);
        await using var rows = await q.ExecuteReaderAsync();
        var found = new List<string>();
        while (await rows.ReadAsync()) found.Add(rows.GetString(0));
        return found;
    }

    [Fact]
    public async Task Sql_and_command_steps_run_against_the_new_instance_before_the_stack_starts()
    {
        var first = await StartAsync(new CollectedProgress());
        Assert.Equal(["command", "sql"], await MarkersAsync());

        // A side-by-side refresh: the Service `database` still leads to the first instance while the steps run.
        var progress = new CollectedProgress();
        var second = await StartAsync(progress);
        Assert.Equal(["command", "sql"], await MarkersAsync()); // in the new instance, once each

        var log = _s.Store.Log(second.RunId).Select(l => l.Message).ToList();
        Assert.Contains(log, l => l.StartsWith("sql in frag: CREATE TABLE after_restore_marker", StringComparison.Ordinal) && l.EndsWith(": 1 row(s)", StringComparison.Ordinal));
        Assert.Contains("after restore 2: fixed staging in frag as postgres", log);
        Assert.Contains(log, l => l.StartsWith($"creating Job {ObjectNames.AfterRestoreJob(second.RunId, 2)} (after restore 2, image {SimulatedStaging.StackImage}:{SimulatedStaging.ProductionTag})", StringComparison.Ordinal));
        var stepsDone = log.FindIndex(l => l.StartsWith("after restore 2: fixed", StringComparison.Ordinal));
        var stackStarted = log.FindIndex(l => l.StartsWith($"creating StatefulSet {ObjectNames.Stack}", StringComparison.Ordinal));
        var durable = log.FindIndex(l => l.Contains(" is durable: ", StringComparison.Ordinal));
        Assert.True(durable < stepsDone && stepsDone < stackStarted, string.Join("\n", log));
        Assert.Equal([TargetWorkflows.StepCreateDatabase, TargetWorkflows.StepRestore, "after restore 1", "after restore 2", TargetWorkflows.StepSyncMedia, TargetWorkflows.StepSwitchStack, TargetWorkflows.StepRemovePreviousDatabase],
            progress.Steps.Select(s => s.Step).ToArray());

        // The command's Job ran on the stack's image under the restricted settings, pointed at the new instance.
        var job = await _s.Client.BatchV1.ReadNamespacedJobAsync(ObjectNames.AfterRestoreJob(second.RunId, 2), Ns);
        var container = job.Spec.Template.Spec.Containers.Single();
        Assert.Equal(["sh", "-c"], container.Command.Take(2));
        Assert.Equal(ObjectNames.DatabaseInstance(second.RunId), container.Env.Single(e => e.Name == "PGHOST").Value);
        Assert.True(job.Spec.Template.Spec.SecurityContext.RunAsNonRoot);
        Assert.Equal(false, container.SecurityContext.AllowPrivilegeEscalation);
        Assert.Equal("RuntimeDefault", job.Spec.Template.Spec.SecurityContext.SeccompProfile.Type);
        Assert.DoesNotContain(log, l => l.Contains(second.Database!.Password, StringComparison.Ordinal));
        Assert.NotEqual(first.RunId, second.RunId);
    }

    [Fact]
    public async Task A_failing_step_fails_the_run_naming_it_and_the_previous_instance_keeps_serving()
    {
        var first = await StartAsync(new CollectedProgress());
        var stackPort = _s.StackPorts.Last();
        _s.WriteConfig(staging: """
            after_restore:
              - sql: 'SELECT 1'
              - command: 'echo "the fix cannot reach its bucket" >&2; exit 3'
            """);
        var progress = new CollectedProgress();
        var failed = await _s.Workflows.StartAsync(new StartRequest("staging"), progress, CancellationToken.None);
        Assert.True(failed.Status == RunStatus.Failed, $"{failed.Status}: {failed.Message}\n{progress.Text}");
        Assert.Contains("after_restore step 2", failed.Message);
        Assert.Contains("the fix cannot reach its bucket", failed.Message);
        Assert.Contains(progress.Steps, s => s.Step == "after restore 2" && s.Outcome == Replica.Core.Progress.StepOutcome.Failed);
        Assert.Contains(progress.Lines, l => l.Message == "after restore 2: the fix cannot reach its bucket");
        Assert.Contains($"staging still runs backup {first.Backup!.Name} restored by run {first.RunId}", failed.Kept);

        Assert.Equal(first.RunId, _s.Store.FindTarget("staging")!.Database);
        var service = await _s.Client.CoreV1.ReadNamespacedServiceAsync(ObjectNames.Database, Ns);
        Assert.Equal(ReplicaLabels.RunValue(first.RunId), service.Spec.Selector[ReplicaLabels.Run]);
        using var http = new HttpClient();
        Assert.Contains("after_restore_marker", await http.GetStringAsync($"http://127.0.0.1:{stackPort}/"));
        await Simulation.Eventually.True(async () =>
            (await _s.Client.BatchV1.ListNamespacedJobAsync(Ns, labelSelector: $"{ReplicaLabels.Run}={ReplicaLabels.RunValue(failed.RunId)}")).Items.Count == 0
            && (await _s.Client.AppsV1.ListNamespacedStatefulSetAsync(Ns, labelSelector: $"{ReplicaLabels.Run}={ReplicaLabels.RunValue(failed.RunId)}")).Items.Count == 0,
            "the failed run's instance and Jobs removed");
    }
}
