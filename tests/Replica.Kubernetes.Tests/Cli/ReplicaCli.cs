using System.Diagnostics;
using Replica.Kubernetes.Tests.Workflows;

namespace Replica.Kubernetes.Tests.Cli;

/// <summary>Runs the real replica executable against a simulated cluster, with $KUBECONFIG pointing at it.</summary>
public static class ReplicaCli
{
    public static async Task<(int Exit, string Out, string Err)> RunAsync(SimulatedStaging s, params string[] args)
    {
        var kubeconfig = Path.Combine(s.Folder, "kubeconfig");
        s.Cluster.WriteKubeconfig(kubeconfig, "simulation");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = s.Folder };
        psi.ArgumentList.Add(s.Cluster.ReplicaDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["KUBECONFIG"] = kubeconfig;
        psi.Environment.Remove("REPLICA_CONFIG");
        psi.Environment.Remove("REPLICA_IMAGE");
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await p.WaitForExitAsync(timeout.Token);
        return (p.ExitCode, await stdout, await stderr);
    }
}
