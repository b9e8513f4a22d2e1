using System.Diagnostics;
using System.Text.Json;
using k8s;
using k8s.Models;
using Replica.Core.Runs;
using Replica.Core.Workflows;
using Replica.Kubernetes.Manifests;
using Replica.Kubernetes.Tests.Workflows;

namespace Replica.Kubernetes.Tests.Cli;

/// <summary>
/// The fault suite on the simulated cluster: the real executable is interrupted (kill -9, SIGTERM,
/// SIGINT) as each step of `start` (first and side-by-side) and `stop` begins; then `status` must
/// tell the truth, nothing the run made may be left (objects or secrets), the run must be recorded
/// as it ended, and the next `start` (and in the end `stop`) must succeed.
/// </summary>
public sealed class FaultSuiteTests : IAsyncLifetime
{
    private SimulatedStaging _s = null!;
    private const string Ns = SimulatedStaging.Namespace;
    private string Config => _s.Config.ConfigPath;

    public async Task InitializeAsync() => _s = await SimulatedStaging.StartAsync();
    public async Task DisposeAsync() => await _s.DisposeAsync();

    private static readonly string[] RefreshSteps =
    [
        TargetWorkflows.StepCreateDatabase, TargetWorkflows.StepRestore, TargetWorkflows.StepSyncMedia,
        TargetWorkflows.StepSwitchStack, TargetWorkflows.StepRemovePreviousDatabase,
    ];

    [Theory]
    [InlineData("KILL")]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task Start_and_stop_interrupted_in_each_step_leave_a_truthful_target_and_the_next_start_and_stop_succeed(string signal)
    {
        // The first start has nothing to keep: interrupted, it must leave nothing at all.
        await InterruptAsync(signal, "start", TargetWorkflows.StepCreateDatabase);
        await SucceedAsync("start");

        foreach (var step in RefreshSteps)
        {
            await InterruptAsync(signal, "start", step);
            await SucceedAsync("start");
        }
        foreach (var step in new[] { TargetWorkflows.StepStopStack, TargetWorkflows.StepRemoveDatabase })
        {
            await InterruptAsync(signal, "stop", step);
            await SucceedAsync("start");
        }
        await SucceedAsync("stop");
        var left = await ObjectsAsync(ReplicaLabels.SelectTarget("staging"));
        Assert.True(left.All(o => o.StartsWith("pvc/media", StringComparison.Ordinal)), string.Join(", ", left));
    }

    private async Task InterruptAsync(string signal, string workflow, string step)
    {
        var before = _s.Store.FindTarget("staging");
        using var p = ReplicaCli.Launch(_s, "simulation", null, workflow, "staging", "--config", Config);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        var what = $"{workflow} interrupted (SIG{signal}) as '{step}' began";
        // The run store records a step as it begins (the console output is buffered when redirected).
        var began = false;
        for (var i = 0; i < 6000 && !p.HasExited && !began; i++)
        {
            began = _s.Store.LastRun("staging") is { Status: RunStatus.Running } r && r.Id != before?.LastRun
                && _s.Store.Steps(r.Id).LastOrDefault() is { Outcome: "running" } s && s.Name == step;
            if (!began) await Task.Delay(20);
        }
        Assert.True(began, $"{what}: the step never began\n{(p.HasExited ? await stdout : "")}");
        if (signal == "KILL") p.Kill();
        else using (var kill = Process.Start("kill", [$"-{signal}", p.Id.ToString()])!) await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await p.WaitForExitAsync(timeout.Token);
        var rest = await stdout;
        var output = $"{what}\n{rest}\n{await stderr}";
        if (signal != "KILL")
        {
            Assert.True(p.ExitCode == 1, $"exit {p.ExitCode}\n{output}");
            Assert.Contains("cancelled", rest);
        }
        var run = _s.Store.LastRun("staging")!;
        Assert.Equal(workflow, run.Workflow);

        // status first repairs what the run left, and must tell the truth.
        var (exit, json, error) = await ReplicaCli.RunAsync(_s, "status", "staging", "--json", "--config", Config);
        Assert.True(exit == 0, $"status: {json}{error}\n{output}");
        var status = JsonDocument.Parse(json).RootElement[0];
        output += $"\nstatus: {json}\n{await _s.DescribeAsync()}";

        run = _s.Store.FindRun(run.Id)!;
        var steps = _s.Store.Steps(run.Id);
        if (signal == "KILL")
        {
            Assert.True(run.Status == RunStatus.Failed && run.Message?.Contains(RunStore.EndedWithoutFinishing) == true, $"run {run.Status}: {run.Message}\n{output}");
            Assert.True(steps.Last() is { Outcome: "failed" } last && last.Name == step && last.Ended is not null, $"steps: {string.Join(", ", steps)}\n{output}");
        }
        else
        {
            Assert.True(run.Status == RunStatus.Cancelled, $"run {run.Status}: {run.Message}\n{output}");
            Assert.True(steps.Last() is { Outcome: "cancelled" } last && last.Name == step, $"steps: {string.Join(", ", steps)}\n{output}");
        }

        var record = _s.Store.FindTarget("staging");
        var state = status.GetProperty("state").GetString();
        if (workflow == "stop")
        {
            Assert.Empty(await ObjectsAsync($"{ReplicaLabels.Run}={ReplicaLabels.RunValue(run.Id)}"));
            // The step records the target stopped as it begins; a kill may land just before that record.
            if (step == TargetWorkflows.StepRemoveDatabase && record?.Database is null)
            {
                // The database was being removed: it is gone, with the Service and Secret that reached it.
                Assert.True(state == "stopped" && record?.Database is null, output);
                Assert.Empty(await ObjectsAsync(ReplicaLabels.Select("staging", Components.Database)));
                Assert.Empty(await ObjectsAsync(ReplicaLabels.Select("staging", Components.DatabaseAccess)));
            }
            else
            {
                Assert.True(state == "running" && record?.Database == before!.Database, output);
                Assert.Equal(JsonValueKind.Object, status.GetProperty("database").ValueKind);
            }
            return;
        }

        if (before?.Database is null)
        {
            // A first start: nothing of it, not even the Secret it generated.
            Assert.True(state == "stopped" && record?.Database is null, output);
            Assert.Equal(JsonValueKind.Null, status.GetProperty("database").ValueKind);
            Assert.Empty(await ObjectsAsync($"{ReplicaLabels.Run}={ReplicaLabels.RunValue(run.Id)}"));
            return;
        }
        Assert.True(state == "running", output);
        Assert.Equal(JsonValueKind.Object, status.GetProperty("database").ValueKind);
        var previousInstance = $"{ReplicaLabels.Run}={ReplicaLabels.RunValue(before.Database)}";
        if (step == TargetWorkflows.StepRemovePreviousDatabase)
        {
            // Interrupted after the switch: the run's database serves, the previous instance and its Jobs are gone.
            Assert.True(record!.Database == run.Id && record.BackupName is not null, output);
            foreach (var c in new[] { Components.Database, Components.Restore, Components.SyncMedia })
                Assert.Empty(await ObjectsAsync($"{ReplicaLabels.Select("staging", c)},{previousInstance}"));
            Assert.Equal(ReplicaLabels.RunValue(run.Id), await SelectedInstanceAsync());
            return;
        }
        // Interrupted before the switch finished: the previous database serves, nothing of the run is left
        // (but the stack the undo started again on the previous database, labelled with the run).
        Assert.True(record!.Database == before.Database && record.BackupName == before.BackupName, output);
        Assert.Equal(run.Id, _s.Store.LastRun("staging")!.Id); // what status shows as last_run (failed or cancelled)
        if (signal != "KILL") Assert.Equal(run.Id, record.LastRun); // the undo recorded it on the target
        Assert.Equal(ReplicaLabels.RunValue(before.Database), await SelectedInstanceAsync());
        var ofRun = await ObjectsAsync($"{ReplicaLabels.Run}={ReplicaLabels.RunValue(run.Id)}");
        Assert.True(ofRun.All(o => step == TargetWorkflows.StepSwitchStack && o.Contains("stack", StringComparison.Ordinal)), $"left: {string.Join(", ", ofRun)}\n{output}");
        if (!(signal == "KILL" && step == TargetWorkflows.StepSwitchStack))
            Assert.True(status.GetProperty("stack").ValueKind == JsonValueKind.Object, output);
    }

    private async Task SucceedAsync(string workflow)
    {
        var (exit, output, error) = await ReplicaCli.RunAsync(_s, workflow, "staging", "--config", Config);
        Assert.True(exit == 0, $"the next {workflow}: exit {exit}\n{output}{error}\n{await _s.DescribeAsync()}");
        var run = _s.Store.LastRun("staging")!;
        Assert.Equal(RunStatus.Succeeded, run.Status);
        if (workflow == "start") Assert.Equal(run.Id, _s.Store.FindTarget("staging")!.Database);
    }

    private async Task<string?> SelectedInstanceAsync()
    {
        var service = await _s.Client.CoreV1.ReadNamespacedServiceAsync(ObjectNames.Database, Ns);
        return service.Spec.Selector.TryGetValue(ReplicaLabels.Run, out var run) ? run : null;
    }

    /// <summary>Objects matching the selector, as kind/name; a claim being deleted counts until it is gone (waited for a little).</summary>
    private async Task<List<string>> ObjectsAsync(string selector)
    {
        async Task<List<string>> List()
        {
            var found = new List<string>();
            void Add(string kind, IEnumerable<V1ObjectMeta> items) => found.AddRange(items.Select(m => $"{kind}/{m.Name}"));
            Add("statefulset", (await _s.Client.AppsV1.ListNamespacedStatefulSetAsync(Ns, labelSelector: selector)).Items.Select(i => i.Metadata));
            Add("job", (await _s.Client.BatchV1.ListNamespacedJobAsync(Ns, labelSelector: selector)).Items.Select(i => i.Metadata));
            Add("pod", (await _s.Client.CoreV1.ListNamespacedPodAsync(Ns, labelSelector: selector)).Items.Select(i => i.Metadata));
            Add("service", (await _s.Client.CoreV1.ListNamespacedServiceAsync(Ns, labelSelector: selector)).Items.Select(i => i.Metadata));
            Add("secret", (await _s.Client.CoreV1.ListNamespacedSecretAsync(Ns, labelSelector: selector)).Items.Select(i => i.Metadata));
            Add("pvc", (await _s.Client.CoreV1.ListNamespacedPersistentVolumeClaimAsync(Ns, labelSelector: selector)).Items.Select(i => i.Metadata));
            return found;
        }
        for (var i = 0; i < 50; i++)
        {
            var found = await List();
            if (!found.Any(f => f.StartsWith("pvc/", StringComparison.Ordinal) && !f.StartsWith("pvc/media", StringComparison.Ordinal))) return found;
            await Task.Delay(100);
        }
        return await List();
    }
}
