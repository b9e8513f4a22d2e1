using System.Diagnostics;
using Replica.Kubernetes.Tests.Simulation;

namespace Replica.Kubernetes.Tests.Kubectl;

/// <summary>
/// The real kubectl as a second client of the simulation, through a kubeconfig written for it
/// (HTTPS, the simulation's CA, a bearer token). kubectl is a tool this machine must have: a test
/// using it fails, saying so, when it is missing (under CI=true and everywhere else: no silent skip).
/// </summary>
public sealed class Kubectl
{
    public const string Path = "/usr/bin/kubectl";
    private readonly string _kubeconfig;

    public Kubectl(SimulatedCluster cluster)
    {
        _kubeconfig = System.IO.Path.Combine(cluster.Root, "kubeconfig-kubectl");
        cluster.WriteKubeconfig(_kubeconfig, "simulation");
    }

    /// <summary>Where kubectl is; the test fails naming the missing tool otherwise.</summary>
    public static string Require()
    {
        var found = File.Exists(Path) ? Path
            : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => System.IO.Path.Combine(d, "kubectl")).FirstOrDefault(File.Exists);
        if (found is not null) return found;
        const string why = "kubectl is not installed (apt-get install kubectl, or put it on PATH); this test runs it against the simulated cluster";
        Assert.Fail(why + (Environment.GetEnvironmentVariable("CI") == "true" ? " (CI=true: .ci/run must install it)" : ""));
        return "";
    }

    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}";
    }

    public async Task<Result> RunAsync(string? stdin, params string[] args)
    {
        var start = new ProcessStartInfo(Require())
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.ArgumentList.Add("--kubeconfig");
        start.ArgumentList.Add(_kubeconfig);
        foreach (var a in args) start.ArgumentList.Add(a);
        // kubectl caches discovery under $HOME/.kube/cache: a private home keeps runs apart.
        start.Environment["HOME"] = System.IO.Path.GetDirectoryName(_kubeconfig)!;
        start.Environment["KUBECACHEDIR"] = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(_kubeconfig)!, "kube-cache");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await output, await error);
    }

    public async Task<Result> SucceedsAsync(string? stdin, params string[] args)
    {
        var r = await RunAsync(stdin, args);
        Assert.True(r.ExitCode == 0, $"kubectl {string.Join(' ', args)}\n{r}");
        return r;
    }
}
