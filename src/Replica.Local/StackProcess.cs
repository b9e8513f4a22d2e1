using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Replica.Local;

/// <summary>
/// The stack's command, run detached in its own session (so Ctrl-C on replica does not
/// reach it) with its output appended to stack.log. Identified by pid and the process's
/// start time, so a reused pid is never mistaken for it.
/// </summary>
internal sealed record StackProcess(int Pid, long StartTicks, int Port, string Url, string ImageTag)
{
    public static StackProcess Start(string command, IReadOnlyDictionary<string, string> environment, string logFile, int port, string url, string imageTag)
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
        // setsid execs in place (the child is not a group leader), so this pid is the stack's.
        return new StackProcess(p.Id, StartTimeOf(p.Id) ?? 0, port, url, imageTag);
    }

    public bool IsAlive => StartTimeOf(Pid) is { } t && t == StartTicks;

    /// <summary>SIGTERM to the stack's process group, then SIGKILL if it lingers.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (!IsAlive) return;
        _ = kill(-Pid, 15);
        var clock = Stopwatch.StartNew();
        while (IsAlive && clock.Elapsed < grace) await Task.Delay(50);
        if (IsAlive) _ = kill(-Pid, 9);
        while (IsAlive && clock.Elapsed < grace + TimeSpan.FromSeconds(5)) await Task.Delay(50);
    }

    public static StackProcess? Read(string path) =>
        File.Exists(path) ? JsonSerializer.Deserialize<StackProcess>(File.ReadAllText(path)) : null;

    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this));

    /// <summary>The process's start time in clock ticks since boot; null when gone or a zombie.</summary>
    private static long? StartTimeOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields[0] == "Z" || fields[0] == "X") return null;
            return long.Parse(fields[19], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
