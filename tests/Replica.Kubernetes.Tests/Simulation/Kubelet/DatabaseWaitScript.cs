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
        while (true)
        {
            // A Service's address is stable on a cluster while the pods behind it come and go; here each pod's server
            // has a port of its own, so when the Service comes to lead elsewhere (a restarted pod), the script starts
            // again against the new address, as if it had kept talking to the same Service.
            using var moved = CancellationTokenSource.CreateLinkedTokenSource(stop);
            var address = Address(plan);
            var script = RunScriptAsync(plan, log, grace, moved.Token);
            LaunchPlan? next = null;
            while (!script.IsCompleted && next is null)
            {
                await Task.WhenAny(script, Task.Delay(step, stop));
                if (script.IsCompleted || stop.IsCancellationRequested) break;
                var now = replan();
                if (IPAddress.TryParse(now.Environment.GetValueOrDefault("PGHOST"), out _) && Address(now) != address) next = now;
            }
            if (next is null) return await script;
            log.Append($"simulation: the Service now leads to {Address(next)}; the script starts again there");
            await moved.CancelAsync();
            await script;
            plan = next;
        }
    }

    private static string? Address(LaunchPlan plan) =>
        plan.Environment.TryGetValue("PGHOST", out var host) ? $"{host}:{plan.Environment.GetValueOrDefault("PGPORT")}" : null;

    private static Task<int> RunScriptAsync(LaunchPlan plan, ContainerLog log, Func<TimeSpan> grace, CancellationToken stop)
    {
        var start = new ProcessStartInfo("/bin/sh") { WorkingDirectory = Path.GetTempPath() };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(plan.Command[2]);
        foreach (var (name, value) in plan.Environment) start.Environment[name] = value;
        start.Environment["PATH"] = $"{PostgresTools}:{Environment.GetEnvironmentVariable("PATH")}";
        return WorkerProcess.RunAsync(start, log, grace, stop);
    }
}
