using System.Diagnostics;

namespace Replica.Kubernetes.Tests.Simulation.Kubelet;

/// <summary>
/// A container running `sync -f PATH…` (the database pod's flush before a durable restart) runs for real here:
/// coreutils' sync with the mount paths rewritten to the folders standing for the volumes, so the file system
/// holding the claim's folder is flushed (syncfs) and a path that is not a mounted volume fails as it would in
/// the container (no such file). Any other command of an init container is not run (see PodRun.InitContainers).
/// </summary>
public static class FileSystemFlush
{
    public static bool Matches(IReadOnlyList<string> command) =>
        command.Count >= 3 && command[0] is "sync" or "/bin/sync" or "/usr/bin/sync" && command[1] is "-f" or "--file-system";

    public static async Task<int> RunAsync(LaunchPlan plan, ContainerLog log, Func<TimeSpan> grace, CancellationToken stop)
    {
        var start = new ProcessStartInfo("sync") { WorkingDirectory = Path.GetTempPath() };
        foreach (var arg in plan.Command.Skip(1)) start.ArgumentList.Add(arg);
        log.Append($"simulation: running sync {string.Join(' ', plan.Command.Skip(1))} on this machine (the volume's folder)");
        return await WorkerProcess.RunAsync(start, log, grace, stop);
    }
}
