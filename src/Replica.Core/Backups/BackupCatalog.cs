using System.Globalization;
using System.Text.RegularExpressions;

namespace Replica.Core.Backups;

/// <summary>
/// The backups in a folder laid out as the original system writes them:
/// hourly/ daily/ weekly/ monthly/, files named backup-&lt;UTC time&gt;-&lt;suffix&gt;.
/// </summary>
public sealed partial class BackupCatalog
{
    public static readonly string[] KindFolders = ["hourly", "daily", "weekly", "monthly"];

    [GeneratedRegex(@"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)")]
    private static partial Regex TimeInName();

    public string Root { get; }

    public BackupCatalog(string root) => Root = root;

    /// <summary>Every backup, newest first.</summary>
    /// <exception cref="RefusedException">the folder is missing or holds no backup.</exception>
    /// <remarks>Files that do not look like backups are skipped; <see cref="Read"/> also says which.</remarks>
    public IReadOnlyList<Backup> List() => Read().Backups;

    /// <summary>
    /// Every backup, newest first, and the files skipped because they do not look like one (a
    /// name without a time, a dot-file, an empty file): a stray README or an rsync temporary in
    /// hourly/ must never block the backups beside it.
    /// </summary>
    /// <exception cref="RefusedException">the folder is missing or holds no backup.</exception>
    public CatalogReading Read()
    {
        if (!Directory.Exists(Root))
            throw new RefusedException($"The database backup folder {Root} does not exist; set source.database_backups in replica.yaml to the folder holding hourly/ and daily/.");
        var byName = new Dictionary<string, (DateTimeOffset Time, string Path, List<string> Kinds, long Size)>(StringComparer.Ordinal);
        var skipped = new List<SkippedFile>();
        foreach (var kind in KindFolders)
        {
            var dir = System.IO.Path.Combine(Root, kind);
            if (!Directory.Exists(dir)) continue;
            foreach (var file in new DirectoryInfo(dir).EnumerateFiles().OrderBy(f => f.Name, StringComparer.Ordinal))
            {
                if (Skip(file) is { } reason)
                {
                    skipped.Add(new SkippedFile(file.FullName, reason));
                    continue;
                }
                if (byName.TryGetValue(file.Name, out var seen))
                    seen.Kinds.Add(kind);
                else
                    byName[file.Name] = (ParseTime(file.Name)!.Value, file.FullName, [kind], file.Length);
            }
        }
        if (byName.Count == 0)
        {
            var passedOver = skipped.Count == 0 ? "" : $" ({skipped.Count} file(s) that do not look like backups were skipped, e.g. {skipped[0].Path}: {skipped[0].Reason})";
            throw new RefusedException($"There are no backups in {Root} (looked in {string.Join("/, ", KindFolders)}/){passedOver}; check source.database_backups in replica.yaml.");
        }
        var backups = byName
            .Select(kv => new Backup(kv.Key, kv.Value.Time, kv.Value.Path, kv.Value.Kinds, kv.Value.Size))
            .OrderByDescending(b => b.Time).ThenBy(b => b.Name, StringComparer.Ordinal)
            .ToList();
        return new CatalogReading(backups, skipped);
    }

    /// <returns>why the file is not taken for a backup, or null when it looks like one.</returns>
    private static string? Skip(FileInfo file)
    {
        if (file.Name.StartsWith('.')) return "it is a hidden file (an rsync or editor temporary), not a backup";
        if (ParseTime(file.Name) is null) return "it has no UTC time like 2026-11-24T02:04:07Z in its name (rename it if it is a backup)";
        if (file.Length == 0) return "it is empty (a backup still being written, or one that failed)";
        return null;
    }

    /// <summary>
    /// LATEST (or nothing) picks the newest; otherwise the newest backup whose name holds
    /// <paramref name="fromBackup"/>. <paramref name="maxAgeHours"/> refuses an older one.
    /// </summary>
    public Backup Select(string? fromBackup, int? maxAgeHours, DateTimeOffset now) => Select(List(), Root, fromBackup, maxAgeHours, now);

    /// <summary>The same choice over a list made elsewhere (a platform that reads the folder remotely).</summary>
    public static Backup Select(IReadOnlyList<Backup> all, string root, string? fromBackup, int? maxAgeHours, DateTimeOffset now)
    {
        if (all.Count == 0)
            throw new RefusedException($"There are no backups in {root}; check source.database_backups in replica.yaml.");
        Backup chosen;
        if (string.IsNullOrEmpty(fromBackup) || fromBackup.Equals("LATEST", StringComparison.OrdinalIgnoreCase))
            chosen = all[0];
        else
            chosen = all.FirstOrDefault(b => b.Name.Contains(fromBackup, StringComparison.Ordinal))
                ?? throw new RefusedException($"No backup in {root} has '{fromBackup}' in its name; run 'replica backups' to see them (newest is {all[0].Name}).");
        if (maxAgeHours is { } hours && now - chosen.Time > TimeSpan.FromHours(hours))
            throw new RefusedException($"Backup {chosen.Name} is {(now - chosen.Time).TotalHours:0.#} hours old, more than --max-age-hours {hours}; check that production's backups are running, or raise the limit.");
        return chosen;
    }

    private static DateTimeOffset? ParseTime(string name)
    {
        var m = TimeInName().Match(name);
        return m.Success && DateTimeOffset.TryParseExact(m.Value, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? t
            : null;
    }
}
