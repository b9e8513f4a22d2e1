using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Replica.Core.Processes;

namespace Replica.Local;

/// <summary>
/// The stack's command, run detached in its own session (so Ctrl-C on replica does not reach it)
/// with its output appended to stack.log. Identified by pid and the process's start time, so a
/// reused pid is never mistaken for it; stopped as a whole session, children included.
/// </summary>
internal sealed record StackProcess(int Pid, long StartTicks, int Port, string Url, string ImageTag, string? Instance = null)
{
    public static StackProcess Start(string command, IReadOnlyDictionary<string, string> environment, string logFile, int port, string url, string imageTag, string instance)
    {
        var psi = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            RedirectStandardInput = false,
            RedirectStandardOutput = false,
            RedirectStandardError = false,
        };
        psi.ArgumentList.Add("/bin/sh");
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("exec /bin/sh -c \"$REPLICA_STACK_COMMAND\" >>\"$REPLICA_STACK_LOG\" 2>&1 </dev/null");
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        psi.Environment["REPLICA_STACK_COMMAND"] = command;
        psi.Environment["REPLICA_STACK_LOG"] = logFile;
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("setsid could not be started");
        // setsid execs in place (the child is not a group leader), so this pid is the stack's, and its session id.
        return new StackProcess(p.Id, ProcessIdentity.StartTicksOf(p.Id) ?? 0, port, url, imageTag, instance);
    }

    public bool IsAlive => new ProcessIdentity(Pid, StartTicks).IsAlive;

    /// <summary>Every live process of the stack's session (the shell and whatever it started that stayed in the session).</summary>
    public IReadOnlyList<ProcessIdentity> Processes() =>
        StartTicks == 0 ? (IsAlive ? [new ProcessIdentity(Pid, StartTicks)] : []) : ProcessIdentity.InSession(Pid, StartTicks);

    /// <summary>
    /// SIGTERM to every process of the session, then SIGKILL to those still there after
    /// <paramref name="grace"/>. Returns the processes it had to kill.
    /// </summary>
    public async Task<IReadOnlyList<ProcessIdentity>> StopAsync(TimeSpan grace)
    {
        var members = Processes();
        if (members.Count == 0) return [];
        foreach (var m in members) _ = kill(m.Pid, 15);
        var clock = Stopwatch.StartNew();
        while (members.Any(m => m.IsAlive) && clock.Elapsed < grace) await Task.Delay(20);
        // Anything that joined the session meanwhile goes too.
        var stubborn = Processes().Where(m => m.IsAlive).ToList();
        foreach (var m in stubborn) _ = kill(m.Pid, 9);
        while (stubborn.Any(m => m.IsAlive) && clock.Elapsed < grace + TimeSpan.FromSeconds(10)) await Task.Delay(20);
        return stubborn;
    }

    public static StackProcess? Read(string path)
    {
        try { return File.Exists(path) ? JsonSerializer.Deserialize<StackProcess>(File.ReadAllText(path)) : null; }
        catch (JsonException) { return null; } // a record cut off by a crash: the session scan below the state cannot use it
    }

    public void Write(string path)
    {
        var temp = path + ".new";
        File.WriteAllText(temp, JsonSerializer.Serialize(this));
        File.Move(temp, path, overwrite: true);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
