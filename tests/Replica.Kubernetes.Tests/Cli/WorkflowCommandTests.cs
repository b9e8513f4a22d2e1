using System.Text.Json;
using Replica.Kubernetes.Tests.Workflows;

namespace Replica.Kubernetes.Tests.Cli;

/// <summary>start, status and stop of a kubernetes target through the real executable (PlatformFactory, kubeconfig context).</summary>
public sealed class WorkflowCommandTests : IAsyncLifetime
{
    private SimulatedStaging _s = null!;

    public async Task InitializeAsync() => _s = await SimulatedStaging.StartAsync();
    public async Task DisposeAsync() => await _s.DisposeAsync();

    [Fact]
    public async Task Start_status_and_stop_through_the_command_line()
    {
        var config = _s.Config.ConfigPath;
        var (exit, output, error) = await ReplicaCli.RunAsync(_s, "start", "staging", "--config", config);
        Assert.True(exit == 0, output + error);
        Assert.Contains(SimulatedStaging.ProductionTag, output);

        (exit, output, error) = await ReplicaCli.RunAsync(_s, "status", "staging", "--json", "--config", config);
        Assert.True(exit == 0, output + error);
        var status = JsonDocument.Parse(output).RootElement[0];
        Assert.Equal("kubernetes", status.GetProperty("platform").GetString());
        Assert.Equal("running", status.GetProperty("state").GetString());
        Assert.Equal($"database.{SimulatedStaging.Namespace}.svc", status.GetProperty("database").GetProperty("host").GetString());
        Assert.Equal($"pvc {SimulatedStaging.Namespace}/media", status.GetProperty("media").GetProperty("path").GetString());

        (exit, output, error) = await ReplicaCli.RunAsync(_s, "stop", "staging", "--config", config);
        Assert.True(exit == 0, output + error);
        (exit, output, error) = await ReplicaCli.RunAsync(_s, "status", "staging", "--json", "--config", config);
        status = JsonDocument.Parse(output).RootElement[0];
        Assert.Equal("stopped", status.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("database").ValueKind);
        Assert.Empty(_s.WritesIn(SimulatedStaging.ProductionNamespace));
    }
}
