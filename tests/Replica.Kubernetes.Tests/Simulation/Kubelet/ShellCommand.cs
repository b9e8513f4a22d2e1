using System.Diagnostics;

namespace Replica.Kubernetes.Tests.Simulation.Kubelet;

/// <summary>
/// `sh -c COMMAND` of a container whose image a test declared as having a shell (SimulatedCluster.RunShell) runs
/// for real here: /bin/sh with the container's environment (Service names and ports already rewritten to where
/// they lead on this machine) over this process's PATH, with the PostgreSQL client tools first. Its output is the
/// container's log; its exit code the container's.
/// </summary>
public static class ShellCommand
{
    private const string PostgresTools = "/usr/lib/postgresql/15/bin";

    public static bool Matches(IReadOnlyList<string> command) =>
        command.Count == 3 && command[0] is "sh" or "/bin/sh" && command[1] == "-c";

    public static Task<int> RunAsync(LaunchPlan plan, ContainerLog log, Func<TimeSpan> grace, CancellationToken stop)
    {
        var start = new ProcessStartInfo("/bin/sh") { WorkingDirectory = Path.GetTempPath() };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(plan.Command[2]);
        foreach (var (name, value) in plan.Environment) start.Environment[name] = value;
        start.Environment["PATH"] = $"{PostgresTools}:{Environment.GetEnvironmentVariable("PATH")}";
        return WorkerProcess.RunAsync(start, log, grace, stop);
    }
}
