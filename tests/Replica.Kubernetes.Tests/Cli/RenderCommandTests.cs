using k8s;
using k8s.Models;
using Replica.Kubernetes.Tests.Workflows;

namespace Replica.Kubernetes.Tests.Cli;

/// <summary>
/// `replica render start` as a user runs it: the real executable, credentials from $KUBECONFIG
/// pointing at the simulated cluster, production's tag read from its workload.
/// </summary>
public sealed class RenderCommandTests : IAsyncLifetime
{
    private SimulatedStaging _s = null!;

    public async Task InitializeAsync() => _s = await SimulatedStaging.StartAsync();
    public async Task DisposeAsync() => await _s.DisposeAsync();

    private Task<(int Exit, string Out, string Err)> ReplicaAsync(params string[] args) => ReplicaCli.RunAsync(_s, args);

    [Fact]
    public async Task Render_prints_the_start_manifests_with_productions_tag_and_changes_nothing()
    {
        var before = _s.Cluster.Requests.Count;
        var (exit, output, error) = await ReplicaAsync("render", "start", "staging", "--config", _s.Config.ConfigPath,
            "--from-backup", "hourly/backup-2026-11-24T02:04:07Z-dumpall.sql.gz");
        Assert.True(exit == 0, error);

        var objects = KubernetesYaml.LoadAllFromString(output);
        var stack = objects.OfType<V1StatefulSet>().Single(s => s.Metadata.Name == "stack");
        Assert.Equal($"{SimulatedStaging.StackImage}:{SimulatedStaging.ProductionTag}", stack.Spec.Template.Spec.Containers[0].Image);
        var restore = objects.OfType<V1Job>().First().Spec.Template.Spec.Containers[0];
        Assert.Contains("/backups/hourly/backup-2026-11-24T02:04:07Z-dumpall.sql.gz", restore.Args);
        Assert.Contains("REPLACE-WITH-A-GENERATED-PASSWORD", output);

        var requests = _s.Cluster.Requests.Skip(before).ToList();
        Assert.Contains(requests, r => r.Namespace == SimulatedStaging.ProductionNamespace && r.Method == "GET");
        Assert.DoesNotContain(requests, r => r.IsWrite);
    }

    [Fact]
    public async Task Render_refuses_a_tag_other_than_productions()
    {
        var (exit, _, error) = await ReplicaAsync("render", "start", "staging", "--config", _s.Config.ConfigPath, "--image-tag", "2026.12.1");
        Assert.Equal(2, exit);
        Assert.Contains("2026.12.1", error);
        Assert.Contains(SimulatedStaging.ProductionTag, error);
    }

    [Fact]
    public async Task A_context_the_kubeconfig_lacks_is_refused_naming_it()
    {
        // render needs only production's tag (read through the kubeconfig's current context here); plan needs the target's cluster.
        var (exit, output, error) = await ReplicaCli.RunWithAsync(_s, "some-other-cluster", null, "plan", "start", "staging", "--config", _s.Config.ConfigPath);
        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.Contains("context 'simulation'", error);
        Assert.Contains("KUBECONFIG", error);
    }

    [Fact]
    public async Task No_kubeconfig_anywhere_is_refused_in_one_sentence()
    {
        var home = Directory.CreateDirectory(Path.Combine(_s.Folder, "empty-home")).FullName;
        var (exit, _, error) = await ReplicaCli.RunWithAsync(_s, null, new Dictionary<string, string> { ["HOME"] = home, ["KUBERNETES_SERVICE_HOST"] = "" },
            "render", "start", "staging", "--config", _s.Config.ConfigPath);
        Assert.Equal(2, exit);
        Assert.Contains("No kubeconfig was found", error);
    }

    [Fact]
    public async Task Render_refuses_a_target_in_productions_namespace()
    {
        _s.WriteConfig("""
              sneaky:
                platform: kubernetes
                kubernetes: { context: simulation, namespace: production-stack }
            """);
        var (exit, output, error) = await ReplicaAsync("render", "start", "sneaky", "--config", _s.Config.ConfigPath);
        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.Contains("production's", error);
    }
}
