using System.Runtime.ExceptionServices;
using Replica.Media.Native;
using Replica.Media.Sync;
using Replica.Media.Tree;

namespace Replica.Media.Census;

/// <summary>
/// Counts what a mirror would delete by walking both trees the way the sync does — the same
/// sorted listings merged by name bytes, the same pool and queue of folders, descriptors opened
/// with O_NOFOLLOW — but reading names only: no contents, and a stat only where the file system
/// does not report an entry's kind. A folder the source lacks is counted, not queued: everything
/// under it is a deletion.
/// </summary>
internal sealed class CensusWalk
{
    [ThreadStatic] private static List<ListedEntry>? _sourceListing;
    [ThreadStatic] private static List<ListedEntry>? _destinationListing;

    private readonly WorkQueue _queue = new(copyCapacity: 1);
    private readonly CensusTally _tally = new();
    private volatile bool _stopped;
    private Exception? _fatal;

    /// <summary>Counts below the roots <paramref name="roots"/> holds, whose descriptors and count of work stay the caller's.</summary>
    public static DeletionCensus Count(DirectoryNode roots, int parallelism, CancellationToken cancellationToken)
    {
        // Own descriptors for the roots: a listing moves a descriptor's offset, which the sync's must keep at the start.
        var root = new DirectoryNode(null, null, default, createDestination: roots.DestinationFd < 0)
        {
            SourceFd = Descriptors.Reopen(roots.SourceFd),
            DestinationFd = roots.DestinationFd < 0 ? -1 : Descriptors.Reopen(roots.DestinationFd),
        };
        try
        {
            return Walk(root, parallelism, cancellationToken);
        }
        finally
        {
            root.CloseDescriptors();
        }
    }

    private static DeletionCensus Walk(DirectoryNode root, int parallelism, CancellationToken cancellationToken)
    {
        if (root.SourceFd < 0) throw new MediaSyncException($"cannot open the source again to count it ({Errno.Describe(Errno.Last)}).");
        var walk = new CensusWalk();
        walk._queue.AddDirectory(root);
        using (cancellationToken.Register(() => walk.Stop(new OperationCanceledException(cancellationToken))))
        {
            var workers = new Thread[Math.Max(1, parallelism)];
            for (int i = 0; i < workers.Length; i++)
            {
                workers[i] = new Thread(walk.Work) { IsBackground = true, Name = $"media-census-{i}" };
                workers[i].Start();
            }
            foreach (var worker in workers) worker.Join();
        }
        if (walk._fatal is not null) ExceptionDispatchInfo.Throw(walk._fatal);
        return walk._tally.Result();
    }

    private void Work()
    {
        while (_queue.TryTake(out var directory, out _))
        {
            try
            {
                if (!_stopped) Visit(directory!);
            }
            catch (Exception e)
            {
                Stop(e);
            }
            finally
            {
                Release(directory!);
                _queue.Done(wasDirectory: true);
            }
        }
    }

    private void Visit(DirectoryNode node)
    {
        if (node.Parent is { } parent)
        {
            node.SourceFd = Descriptors.OpenDirectory(parent.SourceFd, node.Name!);
            // Vanished or unreadable: the sync reports it and deletes nothing after a source error.
            if (node.SourceFd < 0) return;
            if (!node.CreateDestination) node.DestinationFd = Descriptors.OpenDirectory(parent.DestinationFd, node.Name!);
        }
        var source = _sourceListing ??= [];
        var destination = _destinationListing ??= [];
        if (DirectoryListing.Read(node.SourceFd, source) != 0) return;
        if (node.DestinationFd < 0 || DirectoryListing.Read(node.DestinationFd, destination) != 0) destination.Clear();

        long sourceEntries = 0, destinationEntries = 0, deletions = 0;
        int i = 0, j = 0;
        while ((i < source.Count || j < destination.Count) && !_stopped)
        {
            var cmp = i >= source.Count ? 1 : j >= destination.Count ? -1 : EntryName.Compare(source[i].Name, destination[j].Name);
            if (cmp > 0)
            {
                var extra = destination[j++];
                // Leftovers of an interrupted sync are the engine's own files, not the volume's entries.
                if (TempName.Is(EntryName.Bytes(extra.Name))) continue;
                var gone = 1 + (KindOf(node.DestinationFd, extra) == EntryKind.Directory ? CountBelow(node.DestinationFd, extra.Name) : 0);
                destinationEntries += gone;
                deletions += gone;
                continue;
            }
            var entry = source[i++];
            sourceEntries++;
            EntryKind? counterpart = null;
            if (cmp == 0)
            {
                counterpart = KindOf(node.DestinationFd, destination[j++]);
                destinationEntries++;
            }
            if (KindOf(node.SourceFd, entry) == EntryKind.Directory)
            {
                node.Retain();
                _queue.AddDirectory(new DirectoryNode(node, entry.Name, default, createDestination: counterpart != EntryKind.Directory));
            }
            else if (counterpart == EntryKind.Directory)
            {
                // A folder replaced by a file or link: the name stays, what was inside goes.
                var below = CountBelow(node.DestinationFd, entry.Name);
                destinationEntries += below;
                deletions += below;
            }
        }
        _tally.Add(sourceEntries, destinationEntries, deletions);
    }

    /// <summary>Entries below a destination folder the mirror removes whole, counted in this thread.</summary>
    private long CountBelow(int parentFd, byte[] name)
    {
        var fd = Descriptors.OpenDirectory(parentFd, name);
        if (fd < 0) return 0;
        try
        {
            var children = new List<ListedEntry>();
            if (DirectoryListing.Read(fd, children) != 0) return 0;
            long count = children.Count;
            foreach (var child in children)
            {
                if (_stopped) return count;
                if (KindOf(fd, child) == EntryKind.Directory) count += CountBelow(fd, child.Name);
            }
            return count;
        }
        finally
        {
            Libc.close(fd);
        }
    }

    private static EntryKind KindOf(int dirFd, in ListedEntry entry) =>
        entry.Kind != EntryKind.Unknown ? entry.Kind
        : EntryStat.Read(dirFd, entry.Name, out var stat) == 0 ? stat.Kind : EntryKind.File;

    /// <summary>Ends the listing of <paramref name="node"/>; the last piece of work in a folder closes it (never the roots).</summary>
    private static void Release(DirectoryNode node)
    {
        for (var current = node; current.Release() && current.Parent is not null; current = current.Parent)
            current.CloseDescriptors();
    }

    private void Stop(Exception reason)
    {
        Interlocked.CompareExchange(ref _fatal, reason, null);
        _stopped = true;
        _queue.Wake();
    }
}
