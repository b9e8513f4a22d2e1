using System.Globalization;

namespace Replica.Core.Processes;

/// <summary>
/// A process named by its pid and its start time (clock ticks since boot), so that a pid the
/// kernel has since given to another process is never mistaken for the one recorded.
/// </summary>
public readonly record struct ProcessIdentity(int Pid, long StartTicks)
{
    public static ProcessIdentity Current { get; } = new(Environment.ProcessId, StartTicksOf(Environment.ProcessId) ?? 0);

    /// <summary>The process is alive (not a zombie) and is the same one that was recorded.</summary>
    public bool IsAlive => StartTicksOf(Pid) is { } t && (StartTicks == 0 || t == StartTicks);

    public static ProcessIdentity? Of(int pid) => StartTicksOf(pid) is { } t ? new ProcessIdentity(pid, t) : null;

    /// <summary>Field 22 of /proc/PID/stat; null when the process is gone or a zombie.</summary>
    public static long? StartTicksOf(int pid)
    {
        var fields = StatFields(pid);
        if (fields is null || fields[0] is "Z" or "X") return null;
        return long.Parse(fields[19], CultureInfo.InvariantCulture);
    }

    /// <summary>The session a live process belongs to (field 6 of /proc/PID/stat).</summary>
    public static int? SessionOf(int pid)
    {
        var fields = StatFields(pid);
        return fields is null || fields[0] is "Z" or "X" ? null : int.Parse(fields[3], CultureInfo.InvariantCulture);
    }

    /// <summary>The fields after the command name (state first).</summary>
    private static string[]? StatFields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>Every live process whose session is <paramref name="sessionId"/> and which started no earlier than <paramref name="notBefore"/>.</summary>
    public static IReadOnlyList<ProcessIdentity> InSession(int sessionId, long notBefore)
    {
        var list = new List<ProcessIdentity>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            var fields = StatFields(pid);
            if (fields is null || fields[0] is "Z" or "X") continue;
            if (!int.TryParse(fields[3], CultureInfo.InvariantCulture, out var sid) || sid != sessionId) continue;
            var start = long.Parse(fields[19], CultureInfo.InvariantCulture);
            if (start >= notBefore) list.Add(new ProcessIdentity(pid, start));
        }
        return list;
    }
}
