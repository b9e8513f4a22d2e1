namespace Replica.Media.Census;

/// <summary>The census's running totals, added to by every worker.</summary>
internal sealed class CensusTally
{
    public long SourceEntries;
    public long DestinationEntries;
    public long Deletions;

    public void Add(long source, long destination, long deletions)
    {
        if (source != 0) Interlocked.Add(ref SourceEntries, source);
        if (destination != 0) Interlocked.Add(ref DestinationEntries, destination);
        if (deletions != 0) Interlocked.Add(ref Deletions, deletions);
    }

    public DeletionCensus Result() => new(Volatile.Read(ref SourceEntries), Volatile.Read(ref DestinationEntries), Volatile.Read(ref Deletions));
}
