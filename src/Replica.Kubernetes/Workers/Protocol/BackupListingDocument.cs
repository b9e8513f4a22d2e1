namespace Replica.Kubernetes.Workers.Protocol;

/// <summary>
/// What `replica worker list-backups --json` prints: the backups newest first, paths relative to
/// the listed root so the platform can place them under any mount path. Flavour is null when the
/// file's content could not be read as a dump.
/// </summary>
public sealed record BackupListingDocument(IReadOnlyList<BackupListingDocument.Entry> Backups)
{
    public sealed record Entry(string Name, string RelativePath, IReadOnlyList<string> Kinds, DateTimeOffset Time, long SizeBytes, string? Flavour, bool Gzipped);
}
