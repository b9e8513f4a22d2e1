using Replica.Media.Sync;
using Replica.Media.Tree;

namespace Replica.Media.Census;

/// <summary>
/// Refuses a mirror, before it changes anything, that would empty the destination from an empty
/// source or delete more than <see cref="SyncOptions.MaxDeletePercent"/> of it. An empty or new
/// destination is never refused: a first sync deletes nothing.
/// </summary>
internal static class DeletionGuard
{
    public static void Check(DirectoryNode root, string source, string destination, SyncOptions options, CancellationToken cancellationToken)
    {
        if (options.MaxDeletePercent is null or 100)
        {
            // No share can exceed 100 %, so only the empty source is guarded: one listing of the
            // source's root decides, no walk.
            if (options.AllowEmptySource || !IsEmpty(root.SourceFd)) return;
        }
        var census = CensusWalk.Count(root, options.EffectiveParallelism, cancellationToken);
        if (census.DestinationEntries == 0) return;
        if (census.SourceEntries == 0)
        {
            if (!options.AllowEmptySource) throw new MediaDeletionRefusedException(source, destination, census, options.MaxDeletePercent);
            return; // an empty source that is allowed is allowed to empty the destination
        }
        if (options.MaxDeletePercent is { } limit && census.Deletions * 100 > (long)limit * census.DestinationEntries)
            throw new MediaDeletionRefusedException(source, destination, census, limit);
    }

    private static bool IsEmpty(int rootFd)
    {
        // A descriptor of its own: listing moves the offset, and the sync lists the root again.
        var fd = Descriptors.Reopen(rootFd);
        if (fd < 0) return false; // left to the sync, which reports an unreadable root with its path
        try
        {
            var entries = new List<ListedEntry>();
            return DirectoryListing.Read(fd, entries) == 0 && entries.Count == 0;
        }
        finally
        {
            Native.Libc.close(fd);
        }
    }
}
