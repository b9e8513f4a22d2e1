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
    public async Task Plan_and_backups_list_the_volume_through_a_job_that_goes_again()
    {
        // An operator's namespace: plan never creates one (PlanChangesNothingTests), so the listing Job needs it to exist.
        await _s.CreateTargetNamespaceAsync();
        var config = _s.Config.ConfigPath;
        var (exit, output, error) = await ReplicaCli.RunAsync(_s, "plan", "start", "staging", "--config", config);
        Assert.True(exit == 0, output + error);
        Assert.Contains("/backups/hourly/backup-2026-11-24T02:04:07Z-dumpall.sql.gz", output);
        Assert.Contains(SimulatedStaging.ProductionTag, output);

        (exit, output, error) = await ReplicaCli.RunAsync(_s, "backups", "--json", "--config", config);
        Assert.True(exit == 0, output + error);
        var backups = JsonDocument.Parse(output).RootElement;
        Assert.Equal("backup-2026-11-24T02:04:07Z-dumpall.sql.gz", backups[0].GetProperty("name").GetString());
        Assert.Equal("cluster-dump", backups[0].GetProperty("flavour").GetString());
        Assert.Equal(Directory.EnumerateFiles(_s.DatabaseBackups, "*", SearchOption.AllDirectories).Select(Path.GetFileName).Distinct().Count(), backups.GetArrayLength());

        var jobs = await k8s.BatchV1OperationsExtensions.ListNamespacedJobAsync(_s.Client.BatchV1, SimulatedStaging.Namespace);
        Assert.Empty(jobs.Items);
        Assert.Empty(_s.WritesIn(SimulatedStaging.ProductionNamespace));
    }

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
