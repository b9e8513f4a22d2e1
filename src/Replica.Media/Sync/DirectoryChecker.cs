using Replica.Media.Tree;

namespace Replica.Media.Sync;

/// <summary>
/// Compares one directory of the source with its counterpart in the destination: lists both,
/// merges the sorted listings, deletes what the source no longer has (first, to free space),
/// and then decides for each source entry whether to leave it, fix its metadata, copy it,
/// write a link, or descend into it.
/// </summary>
internal static class DirectoryChecker
{
    [ThreadStatic] private static List<ListedEntry>? _sourceListing;
    [ThreadStatic] private static List<ListedEntry>? _destinationListing;

    public static void Process(SyncRun run, DirectoryNode node)
    {
        try
        {
            if (!Open(run, node)) return;
            var source = _sourceListing ??= new List<ListedEntry>();
            var destination = _destinationListing ??= new List<ListedEntry>();
            var err = DirectoryListing.Read(node.SourceFd, source);
            if (err != 0) { run.SourceError(node.RelativePath(), err); return; }
            err = DirectoryListing.Read(node.DestinationFd, destination);
            if (err != 0) { run.DestinationError(node.RelativePath(), "list", err); return; }

            var counterpart = Merge(run, node, source, destination);
            for (int i = 0; i < source.Count && !run.Stopped; i++)
                Mirror(run, node, source[i].Name, counterpart[i]);
        }
        finally
        {
            run.Release(node);
        }
    }

    /// <summary>Deletes destination-only entries; returns, per source entry, the kind found in the destination (null if none).</summary>
    private static EntryKind?[] Merge(SyncRun run, DirectoryNode node, List<ListedEntry> source, List<ListedEntry> destination)
    {
        var counterpart = new EntryKind?[source.Count];
        int i = 0, j = 0;
        while (j < destination.Count)
        {
            var cmp = i < source.Count ? EntryName.Compare(source[i].Name, destination[j].Name) : 1;
            if (cmp < 0) { i++; continue; }
            if (cmp == 0) { counterpart[i++] = destination[j++].Kind; continue; }
            var extra = destination[j++];
            // Leftovers of an interrupted run are ours to remove even when deletions are held back.
            if (run.DeletionsAllowed || TempName.Is(EntryName.Bytes(extra.Name)))
                TreeDeleter.Delete(run, node, extra.Name, extra.Kind);
        }
        return counterpart;
    }

    private static void Mirror(SyncRun run, DirectoryNode node, byte[] name, EntryKind? destinationKind)
    {
        var err = EntryStat.Read(node.SourceFd, name, out var source);
        if (err == Native.Errno.ENOENT) { run.Vanished(node.RelativePath(name)); return; }
        if (err != 0) { run.SourceError(node.RelativePath(name), err); return; }

        EntryStat? destination = null;
        if (destinationKind is not null)
        {
            err = EntryStat.Read(node.DestinationFd, name, out var found);
            if (err == 0) destination = found;
            else if (err != Native.Errno.ENOENT) { run.DestinationError(node.RelativePath(name), "inspect", err); return; }
        }

        switch (source.Kind)
        {
            case EntryKind.File:
                MirrorFile(run, node, name, source, destination);
                break;
            case EntryKind.Directory:
                if (destination is { Kind: not EntryKind.Directory } other && !TreeDeleter.Delete(run, node, name, other.Kind)) return;
                node.Retain();
                var existing = destination is { Kind: EntryKind.Directory } ? destination : null;
                run.Queue.AddDirectory(new DirectoryNode(node, name, source, createDestination: existing is null) { DestinationSeen = existing });
                break;
            case EntryKind.Symlink:
                SymlinkWriter.Mirror(run, node, name, source, destination);
                break;
            default:
                SyncCounters.Add(ref run.Counters.Skipped);
                run.Warn($"skipped {run.SourcePath(node.RelativePath(name))}: only files, folders and symlinks are mirrored (this is a fifo, socket or device).");
                break;
        }
    }

    private static void MirrorFile(SyncRun run, DirectoryNode node, byte[] name, in EntryStat source, EntryStat? destination)
    {
        SyncCounters.Add(ref run.Counters.FilesSeen);
        if (destination is { Kind: EntryKind.File } existing && existing.Size == source.Size)
        {
            var same = run.Options.Checksum
                ? ContentComparer.Equal(run, node, name)
                : existing.SameTime(source);
            // A hard-linked file shares its inode with a name we do not own (maybe outside the
            // destination): its metadata is not ours to change in place, so it is replaced instead.
            if (same is true && existing.Links > 1 && !DestinationMetadata.Matches(run, source, existing, includeTime: run.Options.Checksum))
                same = false;
            if (same is true)
            {
                var changed = DestinationMetadata.FixFile(run, node, name, source, existing, includeTime: run.Options.Checksum);
                if (changed) SyncCounters.Add(ref run.Counters.FilesUpdated);
                else SyncCounters.Add(ref run.Counters.FilesUnchanged);
                SyncCounters.Add(ref run.Counters.FilesDone);
                return;
            }
            if (same is null) return; // unreadable: already reported
        }
        if (destination is { Kind: EntryKind.Directory } && !TreeDeleter.Delete(run, node, name, EntryKind.Directory)) return;

        SyncCounters.Add(ref run.Counters.BytesToCopy, source.Size);
        var job = new CopyJob(node, name, source, Replaces: destination is not null);
        node.Retain();
        if (run.Queue.TryAddCopy(job)) return;
        // The copy queue is full: copy here, which also slows the walk down to the copiers' pace.
        try
        {
            FileCopier.Copy(run, job);
        }
        finally
        {
            run.Release(node);
        }
    }

    private static bool Open(SyncRun run, DirectoryNode node)
    {
        var parent = node.Parent;
        if (parent is null) return true; // the roots were opened by MediaSync
        var name = node.Name!;
        var fd = Descriptors.OpenDirectory(parent.SourceFd, name);
        if (fd < 0)
        {
            var err = Native.Errno.Last;
            if (err == Native.Errno.ENOENT) run.Vanished(node.RelativePath());
            else run.SourceError(node.RelativePath(), err);
            return false;
        }
        node.SourceFd = fd;

        if (node.CreateDestination)
        {
            parent.BeginChange(run.Privileged);
            var err = Descriptors.MakeDirectory(parent.DestinationFd, name);
            if (err == 0) SyncCounters.Add(ref run.Counters.DirsCreated);
            else if (Native.Errno.IsNoSpace(err)) { run.DiskFull(0); return false; }
            else if (err != Native.Errno.EEXIST) { run.DestinationError(node.RelativePath(), "create folder", err); return false; }
        }
        fd = Descriptors.OpenDirectory(parent.DestinationFd, name);
        if (fd < 0) { run.DestinationError(node.RelativePath(), "open folder", Native.Errno.Last); return false; }
        node.DestinationFd = fd;
        return true;
    }
}
