namespace Replica.Media.Sync;

/// <summary>The counts of a run, updated by every worker; the summary and the progress read them.</summary>
internal sealed class SyncCounters
{
    public long FilesCopied, FilesUpdated, FilesDeleted, FilesUnchanged, DirsCreated, DirsDeleted, SymlinksWritten, Skipped, BytesCopied;

    /// <summary>Regular files of the source found and handled so far.</summary>
    public long FilesSeen, FilesDone;

    /// <summary>Bytes of content found to need copying so far.</summary>
    public long BytesToCopy;

    public static void Add(ref long counter, long value = 1) => Interlocked.Add(ref counter, value);

    public SyncSummary Summary(double seconds) => new(
        Volatile.Read(ref FilesCopied), Volatile.Read(ref FilesUpdated), Volatile.Read(ref FilesDeleted),
        Volatile.Read(ref FilesUnchanged), Volatile.Read(ref DirsCreated), Volatile.Read(ref DirsDeleted),
        Volatile.Read(ref SymlinksWritten), Volatile.Read(ref Skipped), Volatile.Read(ref BytesCopied), seconds);
}
