using System.Diagnostics;
using Replica.Kubernetes.Tests.Workflows;

namespace Replica.Kubernetes.Tests.Cli;

/// <summary>Runs the real replica executable against a simulated cluster, with $KUBECONFIG pointing at it.</summary>
public static class ReplicaCli
{
    public static Task<(int Exit, string Out, string Err)> RunAsync(SimulatedStaging s, params string[] args) =>
        RunWithAsync(s, "simulation", null, args);

    /// <param name="context">the context name the kubeconfig gives the simulation; null: no $KUBECONFIG at all.</param>
    public static async Task<(int Exit, string Out, string Err)> RunWithAsync(SimulatedStaging s, string? context, IDictionary<string, string>? env, params string[] args)
    {
        using var p = Launch(s, context, env, args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await p.WaitForExitAsync(timeout.Token);
        return (p.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts the executable and hands over its process (stdout and stderr redirected), for a test that signals it.</summary>
    public static Process Launch(SimulatedStaging s, string? context, IDictionary<string, string>? env, params string[] args)
    {
        var kubeconfig = Path.Combine(s.Folder, "kubeconfig");
        if (context is not null) s.Cluster.WriteKubeconfig(kubeconfig, context);
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = s.Folder };
        psi.ArgumentList.Add(s.Cluster.ReplicaDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (context is not null) psi.Environment["KUBECONFIG"] = kubeconfig;
        else psi.Environment.Remove("KUBECONFIG");
        psi.Environment.Remove("REPLICA_CONFIG");
        psi.Environment.Remove("REPLICA_IMAGE");
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        return Process.Start(psi)!;
    }
}
