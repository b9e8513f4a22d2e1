using Replica.Media.Native;
using Replica.Media.Tree;

namespace Replica.Media.Sync;

/// <summary>
/// Mirrors a symlink as a link: the target text is copied byte for byte, never resolved. A new
/// link is made under a temporary name and renamed over whatever is there, so the old entry
/// (even a link to somewhere outside) is replaced, never followed.
/// </summary>
internal static unsafe class SymlinkWriter
{
    public static void Mirror(SyncRun run, DirectoryNode node, byte[] name, in EntryStat source, EntryStat? destination)
    {
        var target = ReadTarget(node.SourceFd, name, source.Size, out var err);
        if (target is null) { run.SourceError(node.RelativePath(name), err); return; }

        if (destination is { Kind: EntryKind.Symlink } link)
        {
            var current = ReadTarget(node.DestinationFd, name, link.Size, out _);
            if (current is not null && current.AsSpan().SequenceEqual(target))
            {
                err = DestinationMetadata.ApplyToLink(run, node.DestinationFd, name, source, link);
                if (err != 0) run.DestinationError(node.RelativePath(name), "set the owner or time of", err);
                return;
            }
        }
        if (destination is { Kind: EntryKind.Directory } && !TreeDeleter.Delete(run, node, name, EntryKind.Directory)) return;

        node.BeginChange(run.Privileged);
        var temp = TempName.Next();
        fixed (byte* t = target)
        fixed (byte* p = temp)
        {
            if (Libc.symlinkat(t, node.DestinationFd, p) != 0)
            {
                err = Errno.Last;
                if (Errno.IsNoSpace(err)) run.DiskFull(0);
                else run.DestinationError(node.RelativePath(name), "create the symlink", err);
                return;
            }
        }
        err = DestinationMetadata.ApplyToLink(run, node.DestinationFd, temp, source, null);
        if (err == 0) err = Descriptors.Rename(node.DestinationFd, temp, name);
        if (err != 0)
        {
            Descriptors.Unlink(node.DestinationFd, temp, directory: false);
            run.DestinationError(node.RelativePath(name), "write the symlink", err);
            return;
        }
        SyncCounters.Add(ref run.Counters.SymlinksWritten);
    }

    /// <returns>the target, NUL-terminated, or null with the errno.</returns>
    private static byte[]? ReadTarget(int dirFd, byte[] name, long sizeHint, out int err)
    {
        var size = (int)Math.Clamp(sizeHint + 1, 64, 1 << 16);
        while (true)
        {
            var buffer = new byte[size];
            nint n;
            fixed (byte* p = name)
            fixed (byte* b = buffer)
                n = Libc.readlinkat(dirFd, p, b, (nuint)(size - 1));
            if (n < 0) { err = Errno.Last; return null; }
            if (n < size - 1)
            {
                err = 0;
                var target = new byte[n + 1];
                buffer.AsSpan(0, (int)n).CopyTo(target);
                return target;
            }
            size *= 2; // possibly truncated: the link changed size since it was statted
        }
    }
}
