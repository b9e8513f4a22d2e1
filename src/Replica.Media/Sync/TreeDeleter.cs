using Replica.Media.Native;
using Replica.Media.Tree;

namespace Replica.Media.Sync;

/// <summary>
/// Removes an entry of the destination, a whole folder tree if need be, through directory
/// descriptors opened with O_NOFOLLOW: a symlink is removed as a link, never entered.
/// </summary>
internal static class TreeDeleter
{
    /// <returns>true when the entry is gone.</returns>
    public static bool Delete(SyncRun run, DirectoryNode node, byte[] name, EntryKind kind)
    {
        node.BeginChange(run.Privileged);
        var err = Remove(run, node.DestinationFd, name, kind);
        if (err == 0 || err == Errno.ENOENT) return true;
        run.DestinationError(node.RelativePath(name), "delete", err);
        return false;
    }

    private static int Remove(SyncRun run, int parentFd, byte[] name, EntryKind kind)
    {
        if (kind != EntryKind.Directory)
        {
            var err = Descriptors.Unlink(parentFd, name, directory: false);
            if (err == 0) { SyncCounters.Add(ref run.Counters.FilesDeleted); return 0; }
            if (err != Errno.EISDIR) return err;
        }

        var fd = Descriptors.OpenDirectory(parentFd, name);
        if (fd < 0)
        {
            var err = Errno.Last;
            // Listed as a folder but is not one (any more): remove it as a plain entry.
            return err is Errno.ENOTDIR or Errno.ELOOP ? Remove(run, parentFd, name, EntryKind.File) : err;
        }
        try
        {
            if (!run.Privileged) Descriptors.EnsureWritable(fd);
            var children = new List<ListedEntry>();
            var err = DirectoryListing.Read(fd, children);
            if (err != 0) return err;
            foreach (var child in children)
            {
                err = Remove(run, fd, child.Name, child.Kind);
                if (err != 0 && err != Errno.ENOENT) return err;
            }
        }
        finally
        {
            Libc.close(fd);
        }
        var removed = Descriptors.Unlink(parentFd, name, directory: true);
        if (removed == 0) SyncCounters.Add(ref run.Counters.DirsDeleted);
        return removed;
    }
}
