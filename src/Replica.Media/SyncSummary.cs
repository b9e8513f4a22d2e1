namespace Replica.Media;

/// <summary>
/// What a sync did. FilesUpdated counts files that existed in the destination and were rewritten
/// or had their metadata corrected; FilesDeleted counts every non-directory removed (files,
/// symlinks, leftovers); Skipped counts fifos, sockets and devices of the source.
/// </summary>
public sealed record SyncSummary(long FilesCopied, long FilesUpdated, long FilesDeleted, long FilesUnchanged, long DirsCreated, long DirsDeleted, long SymlinksWritten, long Skipped, long BytesCopied, double Seconds);
