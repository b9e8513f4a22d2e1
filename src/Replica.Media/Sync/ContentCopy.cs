using System.Runtime.InteropServices;
using Replica.Media.Native;

namespace Replica.Media.Sync;

/// <summary>How a content copy ended; on failure, which side failed and why.</summary>
internal readonly record struct CopyOutcome(bool Failed, bool SourceSide, int Errno)
{
    public static readonly CopyOutcome Done = new(false, false, 0);
    public static readonly CopyOutcome Stopped = new(true, false, 0);
    public bool NoSpace => Failed && !SourceSide && Native.Errno.IsNoSpace(Errno);
}

/// <summary>
/// Moves the bytes of one file inside the kernel where it can: copy_file_range (which also
/// reflinks or offloads on file systems that allow it), then sendfile across file systems,
/// then plain read/write. Space for large files is reserved first, so they land in one piece and a full disk shows up
/// before their copy.
/// </summary>
internal static unsafe class ContentCopy
{
    // Chunks keep cancellation and progress responsive without costing many calls.
    private const int Chunk = 8 << 20;
    private const int BufferSize = 1 << 20;
    // Small files are left to delayed allocation; reserving them only adds journal work.
    private const long PreallocateFrom = 1 << 20;
    private static volatile bool _copyFileRangeWorks = true;
    [ThreadStatic] private static byte[]? _buffer;

    public static CopyOutcome Run(SyncRun run, int srcFd, int dstFd, long expectedSize, ref long copied)
    {
        if (expectedSize >= PreallocateFrom && Libc.fallocate(dstFd, Flags.FALLOC_FL_KEEP_SIZE, 0, expectedSize) != 0)
        {
            var err = Errno.Last;
            if (Errno.IsNoSpace(err)) return new CopyOutcome(true, false, err);
        }

        if (_copyFileRangeWorks)
        {
            while (true)
            {
                if (run.Stopped) return CopyOutcome.Stopped;
                var n = Libc.copy_file_range(srcFd, null, dstFd, null, Chunk, 0);
                if (n == 0) return CopyOutcome.Done;
                if (n > 0)
                {
                    copied += n;
                    SyncCounters.Add(ref run.Counters.BytesCopied, n);
                    continue;
                }
                var err = Errno.Last;
                if (err == Errno.EINTR) continue;
                if (Errno.IsNoSpace(err)) return new CopyOutcome(true, false, err);
                if (err == Errno.ENOSYS) _copyFileRangeWorks = false;
                // Anything else (other file system, unsupported, an I/O error): go on with plain
                // reads and writes from where we are, which also tell which side failed.
                break;
            }
        }
        return SendFile(run, srcFd, dstFd, ref copied) ?? ReadWrite(run, srcFd, dstFd, ref copied);
    }

    /// <returns>null when sendfile cannot do this pair, so the caller reads and writes.</returns>
    private static CopyOutcome? SendFile(SyncRun run, int srcFd, int dstFd, ref long copied)
    {
        while (true)
        {
            if (run.Stopped) return CopyOutcome.Stopped;
            var n = Libc.sendfile(dstFd, srcFd, null, Chunk);
            if (n == 0) return CopyOutcome.Done;
            if (n > 0)
            {
                copied += n;
                SyncCounters.Add(ref run.Counters.BytesCopied, n);
                continue;
            }
            var err = Errno.Last;
            if (err == Errno.EINTR) continue;
            if (Errno.IsNoSpace(err)) return new CopyOutcome(true, false, err);
            return null;
        }
    }

    private static CopyOutcome ReadWrite(SyncRun run, int srcFd, int dstFd, ref long copied)
    {
        var buffer = _buffer ??= GC.AllocateUninitializedArray<byte>(BufferSize, pinned: true);
        fixed (byte* b = buffer)
        {
            while (true)
            {
                if (run.Stopped) return CopyOutcome.Stopped;
                var n = Libc.read(srcFd, b, BufferSize);
                if (n == 0) return CopyOutcome.Done;
                if (n < 0)
                {
                    var err = Errno.Last;
                    if (err == Errno.EINTR) continue;
                    return new CopyOutcome(true, true, err);
                }
                long written = 0;
                while (written < n)
                {
                    var w = Libc.write(dstFd, b + written, (nuint)(n - written));
                    if (w < 0)
                    {
                        var err = Errno.Last;
                        if (err == Errno.EINTR) continue;
                        return new CopyOutcome(true, false, err);
                    }
                    written += w;
                }
                copied += n;
                SyncCounters.Add(ref run.Counters.BytesCopied, n);
            }
        }
    }
}
