using System.Diagnostics;
using System.Net;

namespace Replica.Kubernetes.Tests.Simulation.Kubelet;

/// <summary>
/// A container running `sh -c "until pg_isready …"` (replica's wait-for-database init container)
/// runs for real here, with the PostgreSQL client tools on PATH: first, as cluster DNS would,
/// the simulation waits until its PGHOST Service leads somewhere (re-resolving the container's
/// environment each step), then the script runs against that address. Any other shell script is
/// not run (see PodRun.InitContainers).
/// </summary>
public static class DatabaseWaitScript
{
    private const string PostgresTools = "/usr/lib/postgresql/15/bin";

    public static bool Matches(IReadOnlyList<string> command) =>
        command.Count == 3 && command[0] is "sh" or "/bin/sh" && command[1] == "-c" && command[2].Contains("pg_isready", StringComparison.Ordinal);

    /// <param name="replan">the container's launch plan resolved now (Services that exist now, with their endpoints).</param>
    public static async Task<int> RunAsync(Func<LaunchPlan> replan, ContainerLog log, Func<TimeSpan> grace, TimeSpan step, CancellationToken stop)
    {
        var plan = replan();
        var announced = false;
        while (!(plan.Environment.TryGetValue("PGHOST", out var host) && IPAddress.TryParse(host, out _)))
        {
            if (!announced) log.Append($"simulation: the Service {plan.Environment.GetValueOrDefault("PGHOST", "(no PGHOST)")} leads nowhere yet; the script starts once it does");
            announced = true;
            await Task.Delay(step, stop);
            plan = replan();
        }
        var start = new ProcessStartInfo("/bin/sh") { WorkingDirectory = Path.GetTempPath() };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(plan.Command[2]);
        foreach (var (name, value) in plan.Environment) start.Environment[name] = value;
        start.Environment["PATH"] = $"{PostgresTools}:{Environment.GetEnvironmentVariable("PATH")}";
        return await WorkerProcess.RunAsync(start, log, grace, stop);
    }
}
