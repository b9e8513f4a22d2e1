namespace Replica.Kubernetes.Workers.Protocol;

/// <summary>What `replica worker sync-media --json` prints on stdout once the destination mirrors the source.</summary>
public sealed record SyncMediaSummary(
    long FilesCopied,
    long FilesUpdated,
    long FilesDeleted,
    long FilesUnchanged,
    long DirsCreated,
    long DirsDeleted,
    long SymlinksWritten,
    long Skipped,
    long BytesCopied,
    double Seconds);
