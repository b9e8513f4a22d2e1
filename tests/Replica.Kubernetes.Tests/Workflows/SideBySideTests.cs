using k8s;
using k8s.Models;
using Replica.Core.Runs;
using Replica.Core.Workflows;
using Replica.Kubernetes.Manifests;

namespace Replica.Kubernetes.Tests.Workflows;

/// <summary>
/// A refresh of a running kubernetes target (simulated cluster): the new database instance is
/// prepared beside the serving one, the switch is a change of what the Service `database`
/// selects, and a refresh that fails or is cancelled leaves the previous database and stack serving.
/// </summary>
public sealed class SideBySideTests : IAsyncLifetime
{
    private SimulatedStaging _s = null!;
    private const string Ns = SimulatedStaging.Namespace;

    public async Task InitializeAsync() => _s = await SimulatedStaging.StartAsync();
    public async Task DisposeAsync() => await _s.DisposeAsync();

    [Fact]
    public async Task A_second_start_keeps_the_first_database_and_stack_serving_until_the_switch()
    {
        var first = await StartAsync();
        var rowsBefore = await StackPageRowsAsync();

        // While the restore Job of the second run runs (its worker's lines arrive), look at what serves.
        string? seen = null;
        var progress = new CollectedProgress
        {
            OnLog = line =>
            {
                if (seen is null && line.StartsWith("restore: ", StringComparison.Ordinal))
                    seen = LookWhileRestoringAsync(first.RunId).GetAwaiter().GetResult();
            },
        };
        var from = _s.Cluster.Requests.Count;
        var second = await StartAsync(progress);
        Assert.True(seen == "ok", seen ?? "the restore worker printed nothing");

        // The switch changed only what Service `database` selects, after the media sync; then the old instance went.
        var writes = _s.Cluster.Requests.Select((r, i) => (r, i)).Skip(from).Where(x => x.r.IsWrite).ToList();
        bool Is((Simulation.Api.RequestRecord r, int i) x, string method, string resource, string? name = null) =>
            x.r.Method == method && x.r.Resource == resource && (name is null || x.r.Name == name || x.r.Path.EndsWith("/" + name, StringComparison.Ordinal));
        var jobs = writes.Where(x => Is(x, "POST", "jobs.batch")).Select(x => x.i).ToList();
        var patch = writes.Single(x => Is(x, "PATCH", "services", ObjectNames.Database)).i;
        var oldGone = writes.First(x => Is(x, "DELETE", "statefulsets.apps", ObjectNames.DatabaseInstance(first.RunId))).i;
        var trail = string.Join("\n", writes.Select(w => w.r.ToString()));
        Assert.True(jobs.Count == 4, trail); // list-backups, restore, hand-over, sync-media
        Assert.True(jobs[3] < patch && patch < oldGone, trail);
        Assert.DoesNotContain(writes, x => x.r.Method == "DELETE" && x.r.Resource is "services" or "secrets" && x.r.Name == ObjectNames.Database);

        Assert.Equal(ReplicaLabels.RunValue(second.RunId), await SelectedInstanceAsync());
        // What stays of the first run: the Secret and Service `database`, the media claim, the Service `stack` (the stack's address).
        await Simulation.Eventually.True(async () => (await ObjectsOfRunAsync(first.RunId, Components.DatabaseAccess, Components.Media, Components.Stack)).Count == 0,
            "nothing of the first instance left");
        Assert.Equal(rowsBefore, await StackPageRowsAsync()); // the same backup: the same rows, now from the new instance
        Assert.Equal($"http://stack.{Ns}.svc:8080/", second.Stack!.Url);
    }

    [Fact]
    public async Task A_corrupt_newer_backup_leaves_the_previous_database_and_stack_serving_the_same_rows()
    {
        var first = await StartAsync();
        var rowsBefore = await StackPageRowsAsync();
        var stackPod = await StackPodUidAsync();

        // A newer backup, cut off in the middle (a copy that did not finish): it is LATEST now.
        var good = Path.Combine(_s.DatabaseBackups, "hourly", "backup-2026-11-24T02:04:07Z-dumpall.sql.gz");
        var bytes = await File.ReadAllBytesAsync(good);
        await File.WriteAllBytesAsync(Path.Combine(_s.DatabaseBackups, "hourly", "backup-2026-11-24T03:04:07Z-dumpall.sql.gz"), bytes[..(bytes.Length / 2)]);

        var progress = new CollectedProgress();
        var failed = await _s.Workflows.StartAsync(new StartRequest("staging"), progress, CancellationToken.None);
        Assert.True(failed.Status == RunStatus.Failed, $"{failed.Status}: {failed.Message}\n{progress.Text}");
        Assert.Equal("backup-2026-11-24T03:04:07Z-dumpall.sql.gz", failed.Backup!.Name);
        Assert.Contains($"staging still runs backup {first.Backup!.Name} restored by run {first.RunId}", failed.Kept);

        var record = _s.Store.FindTarget("staging")!;
        Assert.Equal(first.RunId, record.Database);
        Assert.Equal(TargetStates.Running, record.State);
        Assert.Equal(failed.RunId, record.LastRun);
        Assert.Equal(RunStatus.Failed, _s.Store.LastRun("staging")!.Status);

        Assert.Equal(ReplicaLabels.RunValue(first.RunId), await SelectedInstanceAsync());
        Assert.Equal(stackPod, await StackPodUidAsync()); // the stack was never touched
        Assert.Equal(rowsBefore, await StackPageRowsAsync());
        await AssertNothingOfRunLeftAsync(failed.RunId);
        var state = await _s.Platform().ReadStateAsync(_s.Config.Target("staging"), record.Database, CancellationToken.None);
        Assert.True(state.DatabaseRunning && state.StackRunning);
    }

    [Fact]
    public async Task A_cancel_in_each_step_of_a_refresh_leaves_nothing_of_the_run_and_the_target_serving()
    {
        var previous = await StartAsync();
        string[] steps = [TargetWorkflows.StepCreateDatabase, TargetWorkflows.StepRestore, TargetWorkflows.StepSyncMedia,
            TargetWorkflows.StepSwitchStack, TargetWorkflows.StepRemovePreviousDatabase];
        foreach (var step in steps)
        {
            using var cancel = new CancellationTokenSource();
            var progress = new CollectedProgress { OnStepStarted = s => { if (s == step) cancel.Cancel(); } };
            var result = await _s.Workflows.StartAsync(new StartRequest("staging"), progress, cancel.Token);
            var context = $"cancel in '{step}': {result.Status} {result.Message} {result.Kept}\n{progress.Text}\n{await _s.DescribeAsync()}";
            Assert.True(result.Status == RunStatus.Cancelled, context);
            Assert.Equal(RunStatus.Cancelled, _s.Store.FindRun(result.RunId)!.Status);

            if (step == TargetWorkflows.StepRemovePreviousDatabase)
            {
                // Cancelled after the switch: the run's instance serves, and the previous one is a leftover the next command removes.
                Assert.Equal(result.RunId, _s.Store.FindTarget("staging")!.Database);
                var status = await new Replica.Core.Status.TargetStatusReader(_s.Config, _s.Store, _s.Platforms).ReadAsync("staging", CancellationToken.None);
                Assert.Equal("running", status[0].State);
                await Simulation.Eventually.True(async () => (await ObjectsOfRunAsync(previous.RunId, Components.DatabaseAccess, Components.Media, Components.Stack)).Count == 0,
                    "nothing of the previous instance left after the repair");
                previous = result;
            }
            else
            {
                // Cancelled in the switch, the undo starts the stack again on the previous instance: that stack is labelled with this run.
                await AssertNothingOfRunLeftAsync(result.RunId, step == TargetWorkflows.StepSwitchStack ? [Components.Stack] : []);
                Assert.Equal(previous.RunId, _s.Store.FindTarget("staging")!.Database);
            }
            Assert.Equal(ReplicaLabels.RunValue(previous.RunId), await SelectedInstanceAsync());
            await Simulation.Eventually.True(async () => (await _s.Platform().ReadStateAsync(_s.Config.Target("staging"), previous.RunId, CancellationToken.None)) is { DatabaseRunning: true, StackRunning: true },
                $"database and stack serving after the cancel in '{step}'");
        }
        var last = await StartAsync();
        Assert.Equal(last.RunId, _s.Store.FindTarget("staging")!.Database);
    }

    private async Task<RunResult> StartAsync(CollectedProgress? progress = null)
    {
        progress ??= new CollectedProgress();
        var result = await _s.Workflows.StartAsync(new StartRequest("staging"), progress, CancellationToken.None);
        if (result.Status != RunStatus.Succeeded)
            Assert.Fail($"start {result.Status}: {result.Message}\n{progress.Text}\n{await _s.DescribeAsync()}");
        return result;
    }

    /// <summary>"ok", or what was wrong while the second run's restore Job ran.</summary>
    private async Task<string> LookWhileRestoringAsync(string firstRun)
    {
        var pods = (await _s.Client.CoreV1.ListNamespacedPodAsync(Ns, labelSelector: ReplicaLabels.Select("staging", Components.Database))).Items;
        var old = pods.Where(p => ReplicaLabels.Value(p.Metadata, ReplicaLabels.Run) == ReplicaLabels.RunValue(firstRun)).ToList();
        if (old is not [{ Metadata.DeletionTimestamp: null } pod] || pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") != true)
            return "the first database pod was not serving: " + string.Join(", ", pods.Select(p => p.Metadata.Name));
        if (pods.Count != 2) return $"expected the old and the new database pod, found {pods.Count}";
        if (await SelectedInstanceAsync() != ReplicaLabels.RunValue(firstRun)) return "Service database no longer selected the first instance";
        try { await StackPageRowsAsync(); }
        catch (HttpRequestException e) { return "the stack did not answer: " + e.Message; }
        return "ok";
    }

    private async Task<string?> SelectedInstanceAsync()
    {
        var service = await _s.Client.CoreV1.ReadNamespacedServiceAsync(ObjectNames.Database, Ns);
        return service.Spec.Selector.TryGetValue(ReplicaLabels.Run, out var run) ? run : null;
    }

    private async Task<string?> StackPodUidAsync() =>
        (await _s.Client.CoreV1.ListNamespacedPodAsync(Ns, labelSelector: ReplicaLabels.Select("staging", Components.Stack))).Items.SingleOrDefault()?.Metadata.Uid;

    /// <summary>The table rows of the stack's page: what the stack reads from its database.</summary>
    private async Task<string> StackPageRowsAsync()
    {
        using var http = new HttpClient();
        var page = await http.GetStringAsync($"http://127.0.0.1:{_s.StackPorts.Last()}/");
        var rows = System.Text.RegularExpressions.Regex.Matches(page, "<tr><td>[^<]*</td><td>\\d+</td></tr>").Select(m => m.Value).ToList();
        Assert.NotEmpty(rows);
        return string.Join("\n", rows);
    }

    /// <param name="except">components the run may have made legitimately (the stack its undo started again on the previous instance).</param>
    private async Task AssertNothingOfRunLeftAsync(string run, params string[] except)
    {
        await Simulation.Eventually.True(async () => (await ObjectsOfRunAsync(run, except)).Count == 0,
            $"no object of run {run} left: {string.Join(", ", await ObjectsOfRunAsync(run, except))}");
    }

    /// <summary>Everything in the namespace labelled with the run (claims being deleted count until they are gone).</summary>
    private async Task<List<string>> ObjectsOfRunAsync(string run, params string[] exceptComponents)
    {
        var selector = $"{ReplicaLabels.Run}={ReplicaLabels.RunValue(run)}";
        var found = new List<string>();
        void Add(string kind, IEnumerable<V1ObjectMeta> items) =>
            found.AddRange(items.Where(m => !exceptComponents.Contains(ReplicaLabels.Value(m, ReplicaLabels.Component))).Select(m => $"{kind}/{m.Name}"));
        Add("statefulset", (await _s.Client.AppsV1.ListNamespacedStatefulSetAsync(Ns, labelSelector: selector)).Items.Select(i => i.Metadata));
        Add("job", (await _s.Client.BatchV1.ListNamespacedJobAsync(Ns, labelSelector: selector)).Items.Select(i => i.Metadata));
        Add("pod", (await _s.Client.CoreV1.ListNamespacedPodAsync(Ns, labelSelector: selector)).Items.Select(i => i.Metadata));
        Add("service", (await _s.Client.CoreV1.ListNamespacedServiceAsync(Ns, labelSelector: selector)).Items.Select(i => i.Metadata));
        Add("secret", (await _s.Client.CoreV1.ListNamespacedSecretAsync(Ns, labelSelector: selector)).Items.Select(i => i.Metadata));
        Add("pvc", (await _s.Client.CoreV1.ListNamespacedPersistentVolumeClaimAsync(Ns, labelSelector: selector)).Items.Select(i => i.Metadata));
        return found;
    }
}
