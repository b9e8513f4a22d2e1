using Replica.Core.Backups;
using Replica.Kubernetes.Workers.Protocol;
using Replica.Dumps;

namespace Replica.Kubernetes.Workers;

/// <summary>Backups to and from the list-backups worker's document (<see cref="BackupListingDocument"/>).</summary>
public static class BackupListing
{
    public static BackupListingDocument Document(string root, IEnumerable<Backup> backups) => new(backups
        .Select(b => new BackupListingDocument.Entry(
            b.Name, Path.GetRelativePath(root, b.Path).Replace('\\', '/'), b.Kinds.ToList(), b.Time.ToUniversalTime(), b.SizeBytes,
            b.Dump?.Flavour.ToWire(), b.Dump?.Gzipped ?? false))
        .ToList());

    /// <summary>The backups with paths under <paramref name="mountPath"/>, as the Jobs that mount the same volume see them.</summary>
    public static IReadOnlyList<Backup> Read(BackupListingDocument document, string mountPath) => document.Backups
        .Select(b => new Backup(b.Name, b.Time.ToUniversalTime(), mountPath.TrimEnd('/') + "/" + b.RelativePath, b.Kinds, b.SizeBytes,
            b.Flavour is { } wire && Flavour(wire) is { } flavour ? new DumpInfo(flavour, b.Gzipped) : null))
        .ToList();

    private static DumpFlavour? Flavour(string wire) =>
        Enum.GetValues<DumpFlavour>().Cast<DumpFlavour?>().FirstOrDefault(f => f!.Value.ToWire() == wire);
}
