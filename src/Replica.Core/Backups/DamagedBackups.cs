using Replica.Core.Runs;

namespace Replica.Core.Backups;

/// <summary>
/// Backups whose restore failed because of the file itself. An unattended nightly refresh must not
/// fail on the same file every night: LATEST passes over a damaged backup, saying so, until the
/// file changes (its size or modification time).
/// </summary>
public static class DamagedBackups
{
    public static DamagedBackup Record(Backup backup, string runId, string message, DateTimeOffset now) =>
        new(backup.Name, backup.SizeBytes, Modified(backup), runId, message, now);

    /// <summary>The record that matches the file as it is now, if any.</summary>
    public static DamagedBackup? Find(Backup backup, IReadOnlyList<DamagedBackup> damaged)
    {
        var modified = Modified(backup);
        return damaged.FirstOrDefault(d => d.Name == backup.Name && d.SizeBytes == backup.SizeBytes && d.Modified == modified);
    }

    /// <summary>
    /// The backups LATEST may choose: without the damaged ones (each named in a warning). A backup
    /// asked for by name is never hidden, but a warning says it is known to be damaged.
    /// </summary>
    public static IReadOnlyList<Backup> PassOver(IReadOnlyList<Backup> all, IReadOnlyList<DamagedBackup> damaged, string? fromBackup, List<string> warnings)
    {
        if (damaged.Count == 0) return all;
        var latest = string.IsNullOrEmpty(fromBackup) || fromBackup.Equals("LATEST", StringComparison.OrdinalIgnoreCase);
        var usable = new List<Backup>();
        foreach (var b in all)
        {
            if (Find(b, damaged) is not { } d) { usable.Add(b); continue; }
            if (latest)
                warnings.Add($"backup {b.Name} is passed over: run {d.RunId} found it damaged ({d.Message.TrimEnd('.')}); it is used again once the file changes");
            else
            {
                usable.Add(b);
                if (b.Name.Contains(fromBackup!, StringComparison.Ordinal))
                    warnings.Add($"backup {b.Name} was found damaged by run {d.RunId}; using it because it was asked for by name");
            }
        }
        return usable;
    }

    /// <summary>The file's modification time; backups listed elsewhere (a cluster) match by name and size only.</summary>
    private static DateTimeOffset Modified(Backup backup)
    {
        try
        {
            if (!File.Exists(backup.Path)) return DateTimeOffset.UnixEpoch;
            // Whole milliseconds: what the run store keeps of a time.
            var t = File.GetLastWriteTimeUtc(backup.Path);
            return new DateTimeOffset(t.Ticks - t.Ticks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return DateTimeOffset.UnixEpoch; }
    }
}
