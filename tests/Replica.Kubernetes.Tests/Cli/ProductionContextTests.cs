using System.Diagnostics;
using k8s;
using k8s.Models;
using Replica.Kubernetes.Tests.Simulation;
using Replica.Kubernetes.Tests.Workflows;

namespace Replica.Kubernetes.Tests.Cli;

/// <summary>
/// Production on one cluster, the target on another (a developer's stack on a development
/// cluster): the tag is read through the kubeconfig context that source.image_tag names.
/// </summary>
public sealed class ProductionContextTests : IAsyncLifetime
{
    private SimulatedStaging _s = null!;
    private SimulatedCluster _production = null!;

    public async Task InitializeAsync()
    {
        _s = await SimulatedStaging.StartAsync();
        _production = await SimulatedCluster.StartAsync();
        using var client = _production.CreateClient();
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new() { Name = "fragalysis-production" } });
        var labels = new Dictionary<string, string> { ["app"] = "stack" };
        await client.AppsV1.CreateNamespacedStatefulSetAsync(new V1StatefulSet
        {
            Metadata = new() { Name = "stack", Labels = labels },
            Spec = new()
            {
                ServiceName = "stack", Replicas = 1, Selector = new() { MatchLabels = labels },
                Template = new() { Metadata = new() { Labels = labels }, Spec = new() { Containers = [new() { Name = "stack", Image = "xchem/fragalysis-stack:2026.11.3" }] } },
            },
        }, "fragalysis-production");
        _seeded = _production.Requests.Count;
    }

    private int _seeded;

    public async Task DisposeAsync()
    {
        await _production.DisposeAsync();
        await _s.DisposeAsync();
    }

    [Fact]
    public async Task Render_reads_the_tag_from_the_production_context_and_writes_nowhere()
    {
        var kubeconfig = Path.Combine(_s.Folder, "kubeconfig-two-clusters");
        Kubeconfig.Write(kubeconfig, "dev-cluster", [("dev-cluster", _s.Cluster, null), ("prod-cluster", _production, null)]);
        var config = Path.Combine(_s.Folder, "two-clusters.yaml");
        await File.WriteAllTextAsync(config, """
            source:
              database_backups: { nfs: { server: nfs.simulation, path: /exports/db-replica } }
              media_backup:     { nfs: { server: nfs.simulation, path: /exports/media-replica } }
              image_tag:
                kubernetes: { context: prod-cluster, namespace: fragalysis-production, kind: StatefulSet, name: stack, container: stack }
            targets:
              dev-alan:
                platform: kubernetes
                kubernetes: { context: dev-cluster, namespace: dev-alan }
                stack: { image: xchem/fragalysis-stack, port: 80 }
            """);
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { _s.Cluster.ReplicaDll, "render", "start", "dev-alan", "--config", config }) psi.ArgumentList.Add(a);
        psi.Environment["KUBECONFIG"] = kubeconfig;
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, error);

        var stack = KubernetesYaml.LoadAllFromString(await output).OfType<V1StatefulSet>().Single(s => s.Metadata.Name == "stack");
        Assert.Equal("xchem/fragalysis-stack:2026.11.3", stack.Spec.Template.Spec.Containers[0].Image);
        var replicaRequests = _production.Requests.Skip(_seeded).ToList();
        Assert.Contains(replicaRequests, r => r.Namespace == "fragalysis-production" && r.Method == "GET");
        Assert.DoesNotContain(replicaRequests, r => r.IsWrite);
        Assert.DoesNotContain(_s.Cluster.Requests, r => r.Namespace == "fragalysis-production");
    }

    [Fact]
    public async Task Plan_and_start_read_the_tag_on_productions_cluster_and_write_only_on_the_targets()
    {
        var kubeconfig = Path.Combine(_s.Folder, "kubeconfig-dev-and-prod");
        // The current context is the development cluster: only source.image_tag.kubernetes.context leads to production's.
        Kubeconfig.Write(kubeconfig, "dev-cluster", [("dev-cluster", _s.Cluster, null), ("prod-cluster", _production, null)]);
        var config = Path.Combine(_s.Folder, "dev-and-prod.yaml");
        await File.WriteAllTextAsync(config, $$"""
            state_dir: state-two-clusters
            source:
              database_backups: { nfs: { server: {{SimulatedStaging.NfsServer}}, path: /exports/db-replica } }
              media_backup:     { nfs: { server: {{SimulatedStaging.NfsServer}}, path: /exports/media-replica } }
              image_tag:
                kubernetes: { context: prod-cluster, namespace: fragalysis-production, kind: StatefulSet, name: stack, container: stack }
            targets:
              dev-alan:
                platform: kubernetes
                kubernetes: { context: dev-cluster, namespace: dev-alan }
                media: { pvc: media, size: 1Gi }
                stack: { image: {{SimulatedStaging.StackImage}}, port: 8080, ready_path: /healthz }
            """);
        var env = new Dictionary<string, string> { ["KUBECONFIG"] = kubeconfig };

        var (exit, output, error) = await ReplicaCli.RunWithAsync(_s, null, env, "plan", "start", "dev-alan", "--config", config);
        Assert.True(exit == 0, output + error);
        Assert.Contains("image tag   2026.11.3 (production's)", output);

        (exit, output, error) = await ReplicaCli.RunWithAsync(_s, null, env, "start", "dev-alan", "--db-only", "--config", config);
        Assert.True(exit == 0, output + error + await _s.DescribeAsync());
        Assert.Contains("2026.11.3", output);
        var stack = await _s.Client.AppsV1.ReadNamespacedStatefulSetAsync("stack", "dev-alan");
        Assert.Equal($"{SimulatedStaging.StackImage}:2026.11.3", stack.Spec.Template.Spec.Containers[0].Image);

        var onProduction = _production.Requests.Skip(_seeded).ToList();
        Assert.Contains(onProduction, r => r.Namespace == "fragalysis-production" && r.Method == "GET");
        Assert.DoesNotContain(onProduction, r => r.IsWrite);
        Assert.DoesNotContain(onProduction, r => r.Namespace == "dev-alan"); // the target's context is used for the target only
        Assert.DoesNotContain(_s.Cluster.Requests, r => r.Namespace == "fragalysis-production");

        (exit, output, error) = await ReplicaCli.RunWithAsync(_s, null, env, "stop", "dev-alan", "--config", config);
        Assert.True(exit == 0, output + error);
    }
}
