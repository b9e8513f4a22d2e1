using Replica.Media.Native;

namespace Replica.Media.Sync;

/// <summary>
/// Compares the contents of a source file and its destination counterpart for --checksum.
/// Both files are read here anyway, so a direct comparison costs less than hashing both.
/// </summary>
internal static unsafe class ContentComparer
{
    private const int BufferSize = 1 << 20;
    [ThreadStatic] private static byte[]? _left;
    [ThreadStatic] private static byte[]? _right;

    /// <returns>true if equal, false if different or the destination is unreadable, null if the source could not be read (reported).</returns>
    public static bool? Equal(SyncRun run, DirectoryNode node, byte[] name)
    {
        var srcFd = Descriptors.OpenFileForReading(node.SourceFd, name);
        if (srcFd < 0) { run.SourceError(node.RelativePath(name), Errno.Last); return null; }
        var dstFd = Descriptors.OpenFileForReading(node.DestinationFd, name);
        try
        {
            if (dstFd < 0) return false;
            var left = _left ??= GC.AllocateUninitializedArray<byte>(BufferSize, pinned: true);
            var right = _right ??= GC.AllocateUninitializedArray<byte>(BufferSize, pinned: true);
            while (true)
            {
                var n = ReadFull(srcFd, left);
                if (n < 0) { run.SourceError(node.RelativePath(name), (int)-n); return null; }
                var m = ReadFull(dstFd, right);
                if (m != n) return false;
                if (n == 0) return true;
                if (!left.AsSpan(0, (int)n).SequenceEqual(right.AsSpan(0, (int)m))) return false;
            }
        }
        finally
        {
            Libc.close(srcFd);
            if (dstFd >= 0) Libc.close(dstFd);
        }
    }

    /// <returns>bytes read (fewer only at the end), or -errno.</returns>
    private static long ReadFull(int fd, byte[] buffer)
    {
        long total = 0;
        fixed (byte* b = buffer)
        {
            while (total < buffer.Length)
            {
                var n = Libc.read(fd, b + total, (nuint)(buffer.Length - total));
                if (n == 0) break;
                if (n < 0)
                {
                    var err = Errno.Last;
                    if (err == Errno.EINTR) continue;
                    return -err;
                }
                total += n;
            }
        }
        return total;
    }
}
