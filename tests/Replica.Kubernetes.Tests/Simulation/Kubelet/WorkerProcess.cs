using System.Diagnostics;

namespace Replica.Kubernetes.Tests.Simulation.Kubelet;

/// <summary>
/// Runs `replica worker …` of a container as a local process: `dotnet replica.dll worker …`
/// with the container's environment over this process's own (so PATH still finds dotnet and
/// the PostgreSQL tools). Stdout and stderr become the container log line by line.
/// </summary>
public static class WorkerProcess
{
    private const int SigTerm = 15;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private static bool Signal(int pid, int signal)
    {
        try { return Kill(pid, signal) == 0; }
        catch (DllNotFoundException) { return false; }
        catch (EntryPointNotFoundException) { return false; }
    }

    /// <summary>`replica`, `/usr/local/bin/replica` or `/app/replica` followed by `worker`.</summary>
    public static bool IsReplicaWorker(IReadOnlyList<string> command) =>
        command.Count >= 2 && Path.GetFileName(command[0]) is "replica" or "replica.dll" && command[1] == "worker";

    public static async Task<int> RunAsync(string replicaDll, LaunchPlan plan, ContainerLog log, Func<TimeSpan> grace, CancellationToken stop)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = plan.WorkingDirectory is { } wd && Directory.Exists(wd) ? wd : Path.GetTempPath(),
        };
        start.ArgumentList.Add(replicaDll);
        foreach (var arg in plan.Command.Skip(1)) start.ArgumentList.Add(arg);
        foreach (var (name, value) in plan.Environment) start.Environment[name] = value;
        return await RunAsync(start, log, grace, stop);
    }

    /// <summary>Runs a prepared process as a container: its output is the log, pod deletion sends SIGTERM then SIGKILL.</summary>
    public static async Task<int> RunAsync(ProcessStartInfo start, ContainerLog log, Func<TimeSpan> grace, CancellationToken stop)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = true;
        start.UseShellExecute = false;
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Append(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Append(e.Data); };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(stop);
            process.WaitForExit(); // drains the output readers
            return process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            // The pod is going: SIGTERM as kubelet sends it, SIGKILL once the grace period is over.
            if (grace() > TimeSpan.Zero && Signal(process.Id, SigTerm))
            {
                using var graceOver = new CancellationTokenSource(grace());
                try
                {
                    await process.WaitForExitAsync(graceOver.Token);
                    process.WaitForExit();
                    return process.ExitCode;
                }
                catch (OperationCanceledException) { }
            }
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await process.WaitForExitAsync(CancellationToken.None);
            return 137;
        }
    }
}
