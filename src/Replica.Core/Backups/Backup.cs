using Replica.Dumps;

namespace Replica.Core.Backups;

/// <summary>
/// One database backup. The same file name in several folders (hourly, daily, …) is one
/// backup; <see cref="Path"/> is its copy in the most frequent folder.
/// </summary>
/// <param name="Dump">flavour and compression when already read (a platform that lists remotely fills it in).</param>
public sealed record Backup(string Name, DateTimeOffset Time, string Path, IReadOnlyList<string> Kinds, long SizeBytes, DumpInfo? Dump = null)
{
    public string Kind => Kinds[0];

    /// <summary>The flavour from the file's content (never its name), reading the file when not yet known.</summary>
    public DumpInfo Inspect() => Dump ?? DumpSniffer.Inspect(Path);

    public string Describe() => $"{Name} ({Kind}, {Size.Format(SizeBytes)})";
}

public static class Size
{
    public static string Format(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.Length - 1) { v /= 1024; u++; }
        return u == 0 ? $"{bytes} B" : $"{v:0.#} {units[u]}";
    }
}
