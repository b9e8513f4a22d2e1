using System.Diagnostics;
using System.Runtime.InteropServices;
using Replica.Tests.Support;

namespace Replica.Tests.Worker;

/// <summary>
/// `replica worker …` started as its own process from the test's build output, with an environment
/// the test controls entirely for the password variables (none is inherited from the test run).
/// </summary>
public sealed class WorkerRun : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stdout;
    private readonly List<string> _stderr = [];

    public WorkerRun(IReadOnlyDictionary<string, string> env, params string[] args)
    {
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(ReplicaProcess.Dll);
        psi.ArgumentList.Add("worker");
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var name in new[] { "PGPASSWORD", "PGPASSFILE", "PGUSER", "PGHOST", "PGPORT", "PGDATABASE" }) psi.Environment.Remove(name);
        foreach (var (k, v) in env) psi.Environment[k] = v;
        _process = Process.Start(psi)!;
        _stdout = _process.StandardOutput.ReadToEndAsync();
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.Add(e.Data); };
        _process.BeginErrorReadLine();
    }

    public IReadOnlyList<string> Stderr { get { lock (_stderr) return [.. _stderr]; } }

    public bool HasExited => _process.HasExited;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    /// <summary>SIGTERM, as kubelet sends it to a deleted Job's pod.</summary>
    public void Terminate() => Assert.Equal(0, Kill(_process.Id, 15));

    public async Task<(int ExitCode, string Stdout, IReadOnlyList<string> Stderr)> WaitAsync()
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await _process.WaitForExitAsync(bound.Token);
        _process.WaitForExit(); // drains the stderr reader
        return (_process.ExitCode, await _stdout, Stderr);
    }

    public static async Task<(int ExitCode, string Stdout, IReadOnlyList<string> Stderr)> RunAsync(IReadOnlyDictionary<string, string> env, params string[] args)
    {
        using var run = new WorkerRun(env, args);
        return await run.WaitAsync();
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
