using k8s;
using Replica.Core.Runs;
using Replica.Core.Workflows;
using Replica.Kubernetes.Manifests;

namespace Replica.Kubernetes.Tests.Workflows;

/// <summary>
/// A step fails as soon as the simulated cluster shows a pod stuck or a Job failed, with the
/// pod's log and events in the run log; then stop clears the half-created target.
/// </summary>
public sealed class FailureDetectionTests : IAsyncLifetime
{
    private SimulatedStaging _s = null!;

    public async Task InitializeAsync() => _s = await SimulatedStaging.StartAsync();
    public async Task DisposeAsync() => await _s.DisposeAsync();

    private async Task<(RunResult Result, string Log)> FailingStartAsync(string failedStep)
    {
        var result = await _s.Workflows.StartAsync(new StartRequest("staging"), new CollectedProgress(), CancellationToken.None);
        var log = string.Join('\n', _s.Store.Log(result.RunId).Select(l => $"{l.Level}: {l.Message}"));
        Assert.True(result.Status == RunStatus.Failed, $"start {result.Status}: {result.Message}\n{log}");
        var step = _s.Store.Steps(result.RunId).Last();
        Assert.Equal(failedStep, step.Name);
        Assert.Equal("failed", step.Outcome);
        return (result, log);
    }

    private async Task StopLeavesOnlyMediaAsync()
    {
        var stop = await _s.Workflows.StopAsync("staging", removeMedia: false, new CollectedProgress(), CancellationToken.None);
        Assert.True(stop.Status == RunStatus.Succeeded, stop.Message);
        var ns = SimulatedStaging.Namespace;
        var all = ReplicaLabels.SelectTarget("staging");
        Assert.Empty((await _s.Client.AppsV1.ListNamespacedStatefulSetAsync(ns, labelSelector: all)).Items);
        Assert.Empty((await _s.Client.BatchV1.ListNamespacedJobAsync(ns, labelSelector: all)).Items);
        Assert.Empty((await _s.Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: all)).Items);
        Assert.Empty((await _s.Client.CoreV1.ListNamespacedSecretAsync(ns, labelSelector: all)).Items);
        Assert.Empty((await _s.Client.CoreV1.ListNamespacedServiceAsync(ns, labelSelector: all)).Items);
        await Simulation.Eventually.True(async () => (await _s.Client.CoreV1.ListNamespacedPersistentVolumeClaimAsync(ns, labelSelector: all)).Items
            .All(c => c.Metadata.Labels[ReplicaLabels.Component] == Components.Media), "only media claims left");
    }

    [Fact]
    public async Task An_image_that_cannot_be_pulled_fails_the_stack_step_with_the_pods_events()
    {
        _s.Cluster.FailImagePull($"{SimulatedStaging.StackImage}:{SimulatedStaging.ProductionTag}");
        var (result, log) = await FailingStartAsync(TargetWorkflows.StepStartStack);
        Assert.Matches("ErrImagePull|ImagePullBackOff", result.Message);
        Assert.Contains("stack-0", result.Message);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(log, @"event Pod stack-0: Warning (Failed|BackOff)"), log);
        await StopLeavesOnlyMediaAsync();
    }

    [Fact]
    public async Task A_crashing_stack_fails_with_its_last_log_lines()
    {
        // The stack's process dies at start (the simulation logs the reason and backs off, as a crashing container).
        _s.Cluster.OnPodStart(p => p.OwnerName == "stack", (_, _) => throw new InvalidOperationException("django.db.utils.ProgrammingError: relation \"viewer_target\" does not exist"));
        var (result, log) = await FailingStartAsync(TargetWorkflows.StepStartStack);
        Assert.Contains("CrashLoopBackOff", result.Message);
        Assert.True(log.Contains("relation \"viewer_target\" does not exist", StringComparison.Ordinal), log);
        await StopLeavesOnlyMediaAsync();
    }

    [Fact]
    public async Task A_failing_restore_job_fails_the_restore_step_with_the_sql_error()
    {
        // Newest backup: a cluster dump by its header, with a statement PostgreSQL rejects.
        await File.WriteAllTextAsync(Path.Combine(_s.DatabaseBackups, "hourly", "backup-2026-11-25T02:04:07Z-dumpall.sql"), """
            --
            -- PostgreSQL database cluster dump
            --

            SET client_encoding = 'UTF8';
            CREATE TABLE broken (id integer,, name text);
            """);
        var (result, log) = await FailingStartAsync(TargetWorkflows.StepRestore);
        Assert.Contains("restore-", result.Message);
        Assert.Contains("the worker said", result.Message);
        Assert.Contains("syntax error", result.Message);
        Assert.Contains("| ", log); // the pod's last log lines
        await StopLeavesOnlyMediaAsync();
    }

    [Fact]
    public async Task A_claim_that_never_binds_fails_the_database_step()
    {
        _s.Cluster.FailStorageClass("standard");
        var (result, log) = await FailingStartAsync(TargetWorkflows.StepCreateDatabase);
        Assert.Contains("unbound", result.Message);
        Assert.True(log.Contains("FailedScheduling", StringComparison.Ordinal), log);
        await StopLeavesOnlyMediaAsync();
    }

    [Fact]
    public async Task Stop_on_a_target_that_was_never_started_succeeds_and_creates_nothing()
    {
        var before = _s.Cluster.Requests.Count;
        var stop = await _s.Workflows.StopAsync("staging", removeMedia: true, new CollectedProgress(), CancellationToken.None);
        Assert.True(stop.Status == RunStatus.Succeeded, stop.Message);
        Assert.Empty(_s.Cluster.Requests.Skip(before).Where(r => r.IsWrite));
    }

    [Fact]
    public async Task Stop_removes_a_half_created_target_made_only_of_labelled_leftovers()
    {
        // What a run cancelled right after creating the database Secret and a restore Job leaves behind.
        var t = ClusterTarget.From(_s.Config, _s.Config.Target("staging"), "replica:simulation");
        await _s.Client.CoreV1.CreateNamespaceAsync(NamespaceManifest.For(t, "20261125T000000-dead"));
        await _s.Client.CoreV1.CreateNamespacedSecretAsync(DatabaseManifests.Secret(t, "20261125T000000-dead", "pw"), t.Namespace);
        await _s.Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(DatabaseManifests.Claim(t, "20261125T000000-dead"), t.Namespace);
        await _s.Client.BatchV1.CreateNamespacedJobAsync(WorkerJobs.Restore(t, "20261125T000000-dead", "/backups/hourly/none"), t.Namespace);
        // An object of the same kind that replica did not make stays.
        await _s.Client.CoreV1.CreateNamespacedSecretAsync(new k8s.Models.V1Secret { Metadata = new() { Name = "django" }, StringData = new Dictionary<string, string> { ["SECRET_KEY"] = "x" } }, t.Namespace);

        await StopLeavesOnlyMediaAsync();
        Assert.NotNull(await _s.Client.CoreV1.ReadNamespacedSecretAsync("django", t.Namespace));
    }

    [Fact]
    public async Task A_stack_replica_did_not_create_stops_the_start_before_anything_changes()
    {
        var labels = new Dictionary<string, string> { ["app"] = "old-stack" };
        await _s.Client.CoreV1.CreateNamespaceAsync(new k8s.Models.V1Namespace { Metadata = new() { Name = SimulatedStaging.Namespace } });
        await _s.Client.AppsV1.CreateNamespacedStatefulSetAsync(new k8s.Models.V1StatefulSet
        {
            Metadata = new() { Name = "stack", Labels = labels },
            Spec = new()
            {
                ServiceName = "stack", Replicas = 1, Selector = new() { MatchLabels = labels },
                Template = new() { Metadata = new() { Labels = labels }, Spec = new() { Containers = [new() { Name = "stack", Image = "old/stack:1" }] } },
            },
        }, SimulatedStaging.Namespace);

        var (result, _) = await FailingStartAsync(TargetWorkflows.StepCreateDatabase);
        Assert.Contains("StatefulSet stack that replica did not create", result.Message);
        Assert.Empty((await _s.Client.AppsV1.ListNamespacedStatefulSetAsync(SimulatedStaging.Namespace, labelSelector: ReplicaLabels.SelectTarget("staging"))).Items);
        Assert.Equal("old/stack:1", (await _s.Client.AppsV1.ReadNamespacedStatefulSetAsync("stack", SimulatedStaging.Namespace)).Spec.Template.Spec.Containers[0].Image);
    }

    [Fact]
    public async Task A_replica_image_the_cluster_cannot_pull_is_refused_with_the_key_to_set()
    {
        _s.Cluster.FailImagePull("replica:simulation");
        await _s.CreateTargetNamespaceAsync();
        var e = await Assert.ThrowsAsync<Replica.Core.RefusedException>(() => _s.Workflows.PlanStartAsync(new StartRequest("staging"), CancellationToken.None));
        Assert.Contains("replica:simulation", e.Message);
        Assert.Contains("kubernetes.replica_image", e.Message);
    }

    [Fact]
    public async Task No_backups_on_the_volume_is_refused_naming_the_nfs_export()
    {
        foreach (var file in Directory.EnumerateFiles(_s.DatabaseBackups, "*", SearchOption.AllDirectories)) File.Delete(file);
        await _s.CreateTargetNamespaceAsync();
        var e = await Assert.ThrowsAsync<Replica.Core.RefusedException>(() => _s.Workflows.PlanStartAsync(new StartRequest("staging"), CancellationToken.None));
        Assert.Contains("nfs://nfs.simulation/exports/db-replica", e.Message);
        Assert.Contains("There are no backups", e.Message);
        // The listing Job is gone again.
        Assert.Empty((await _s.Client.BatchV1.ListNamespacedJobAsync(SimulatedStaging.Namespace, labelSelector: ReplicaLabels.Select("staging", Components.ListBackups))).Items);
    }
}
