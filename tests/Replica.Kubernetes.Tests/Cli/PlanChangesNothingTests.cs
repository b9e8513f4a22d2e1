using k8s;
using k8s.Models;
using Replica.Kubernetes.Tests.Workflows;

namespace Replica.Kubernetes.Tests.Cli;

/// <summary>
/// `plan start` on a kubernetes target (through the executable, on the simulated cluster): it never creates
/// the namespace, removes the listing Job it needed, and says exactly what it did — never "Nothing was
/// changed" after a change. Source/platform mismatches are refused with exit 2 before any request.
/// </summary>
public sealed class PlanChangesNothingTests : IAsyncLifetime
{
    private SimulatedStaging _s = null!;

    public async Task InitializeAsync() => _s = await SimulatedStaging.StartAsync();

    public async Task DisposeAsync() => await _s.DisposeAsync();

    [Fact]
    public async Task Without_the_namespace_plan_lists_nothing_creates_nothing_and_says_start_will()
    {
        var before = _s.Cluster.Requests.Count;
        var (exit, output, error) = await ReplicaCli.RunAsync(_s, "plan", "start", "staging", "--config", _s.Config.ConfigPath);
        Assert.True(exit == 0, output + error);
        Assert.Contains($"namespace {SimulatedStaging.Namespace} does not exist yet", output);
        Assert.Contains("start creates the namespace and lists the backups then", output);
        Assert.Contains(SimulatedStaging.ProductionTag, output); // production's tag is still read
        Assert.Contains("Nothing was changed.", output);
        Assert.Empty(_s.Cluster.Requests.Skip(before).Where(r => r.IsWrite));
        var namespaces = await _s.Client.CoreV1.ListNamespaceAsync();
        Assert.DoesNotContain(namespaces.Items, n => n.Metadata.Name == SimulatedStaging.Namespace);
    }

    [Fact]
    public async Task With_the_namespace_plan_runs_the_listing_job_removes_it_and_says_so()
    {
        await _s.CreateTargetNamespaceAsync();
        var before = await ObjectsAsync();
        var (exit, output, error) = await ReplicaCli.RunAsync(_s, "plan", "start", "staging", "--config", _s.Config.ConfigPath);
        Assert.True(exit == 0, output + error);
        Assert.Contains("/backups/hourly/backup-2026-11-24T02:04:07Z-dumpall.sql.gz", output);
        Assert.Matches($@"plan ran Job list-backups-[a-z0-9-]+ in namespace {SimulatedStaging.Namespace} to list the backups and removed it; nothing else was changed\.", output);
        Assert.DoesNotContain("Nothing was changed", output);
        Assert.Equal(before, await ObjectsAsync());
        // The only writes were the Job's creation and removal (its pod goes with it).
        Assert.All(_s.WritesIn(SimulatedStaging.Namespace), w => Assert.Contains("/jobs", w));
        Assert.Empty(_s.WritesIn(SimulatedStaging.ProductionNamespace));
    }

    [Fact]
    public async Task A_local_folder_source_for_a_kubernetes_target_is_refused_before_any_request()
    {
        var config = _s.Config.ConfigPath;
        await File.WriteAllTextAsync(config, (await File.ReadAllTextAsync(config))
            .Replace($"media_backup:     {{ nfs: {{ server: {SimulatedStaging.NfsServer}, path: /exports/media-replica }} }}", $"media_backup: {_s.MediaBackup}"));
        var before = _s.Cluster.Requests.Count;
        var (exit, output, error) = await ReplicaCli.RunAsync(_s, "plan", "start", "staging", "--config", config);
        Assert.Equal(2, exit);
        Assert.Contains($"source.media_backup is a local folder ({_s.MediaBackup}), which a cluster cannot mount", error);
        (exit, _, error) = await ReplicaCli.RunAsync(_s, "start", "staging", "--config", config);
        Assert.Equal(2, exit);
        Assert.Contains("source.media_backup", error);
        Assert.Empty(_s.Cluster.Requests.Skip(before));
        // --db-only reads no media: the same configuration plans (the backups are on NFS).
        (exit, output, error) = await ReplicaCli.RunAsync(_s, "plan", "start", "staging", "--db-only", "--config", config);
        Assert.True(exit == 0, output + error);
    }

    /// <summary>Everything of the target's namespace that replica could leave behind, by kind and name.</summary>
    private async Task<string> ObjectsAsync()
    {
        var ns = SimulatedStaging.Namespace;
        var names = new List<string>();
        names.AddRange((await _s.Client.BatchV1.ListNamespacedJobAsync(ns)).Items.Select(o => "job/" + o.Metadata.Name));
        names.AddRange((await _s.Client.CoreV1.ListNamespacedPodAsync(ns)).Items.Select(o => "pod/" + o.Metadata.Name));
        names.AddRange((await _s.Client.AppsV1.ListNamespacedStatefulSetAsync(ns)).Items.Select(o => "statefulset/" + o.Metadata.Name));
        names.AddRange((await _s.Client.CoreV1.ListNamespacedServiceAsync(ns)).Items.Select(o => "service/" + o.Metadata.Name));
        names.AddRange((await _s.Client.CoreV1.ListNamespacedSecretAsync(ns)).Items.Select(o => "secret/" + o.Metadata.Name));
        names.AddRange((await _s.Client.CoreV1.ListNamespacedPersistentVolumeClaimAsync(ns)).Items.Select(o => "pvc/" + o.Metadata.Name));
        return string.Join(", ", names.Order());
    }
}
