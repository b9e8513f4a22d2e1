namespace Replica.Core.Backups;

/// <summary>What <see cref="BackupCatalog.Read"/> found: the backups, newest first, and the files passed over.</summary>
public sealed record CatalogReading(IReadOnlyList<Backup> Backups, IReadOnlyList<SkippedFile> Skipped)
{
    /// <summary>One sentence per skipped file, for the output and the run's log.</summary>
    public IEnumerable<string> Warnings => Skipped.Select(s => s.Warning);
}

/// <summary>A file in a backup folder that does not look like a backup, and why.</summary>
public sealed record SkippedFile(string Path, string Reason)
{
    public string Warning => $"{Path} was skipped: {Reason}.";
}
