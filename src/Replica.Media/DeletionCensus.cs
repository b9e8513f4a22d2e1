namespace Replica.Media;

/// <summary>
/// What a mirror of a source onto a destination would delete, counted from names alone: every
/// entry below each root (folders count as entries, the roots do not), and how many destination
/// entries the source lacks, with everything under a destination folder the source lacks.
/// </summary>
/// <param name="SourceEntries">Entries in the source tree.</param>
/// <param name="DestinationEntries">Entries in the destination tree (0 when it does not exist yet).</param>
/// <param name="Deletions">Destination entries the mirror would delete.</param>
public sealed record DeletionCensus(long SourceEntries, long DestinationEntries, long Deletions)
{
    /// <summary>Deletions as a share of the destination's entries, 0 to 100 (0 for an empty destination).</summary>
    public double DeletePercent => DestinationEntries == 0 ? 0 : Deletions * 100.0 / DestinationEntries;
}
