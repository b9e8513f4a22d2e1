using System.Runtime.InteropServices;

namespace Replica.Postgres.Instances;

/// <summary>
/// Flushes the file system holding a folder (syncfs): after running with fsync=off, PostgreSQL's
/// documentation asks for exactly this (or initdb --sync-only, which fsyncs file by file and is much slower).
/// </summary>
public static class FileSystemSync
{
    private const int ReadOnly = 0, Directory = 0x10000;

    public static void Flush(string folder)
    {
        int fd = open(folder, ReadOnly | Directory);
        if (fd < 0) throw new PostgresInstanceException($"Cannot open {folder} to flush it to disk (errno {Marshal.GetLastPInvokeError()}).");
        try
        {
            if (syncfs(fd) != 0) throw new PostgresInstanceException($"Flushing {folder} to disk failed (errno {Marshal.GetLastPInvokeError()}); the disk may be failing.");
        }
        finally { close(fd); }
    }

    /// <summary>Flushes now and then, best effort, until stopped; the final <see cref="Flush"/> still reports failures.</summary>
    /// <returns>whether the flush succeeded.</returns>
    public static bool FlushQuietly(string folder)
    {
        try { Flush(folder); return true; } catch (PostgresInstanceException) { return false; }
    }

    [DllImport("libc", SetLastError = true)] private static extern int open(string path, int flags);
    [DllImport("libc", SetLastError = true)] private static extern int syncfs(int fd);
    [DllImport("libc", SetLastError = true)] private static extern int close(int fd);
}

/// <summary>
/// While a restore writes with fsync=off, the kernel keeps up to a tenth of memory dirty and writes it only
/// when asked. This asks every quarter second, on a thread of its own, so the disk works while the CPUs
/// load and index, and the hand-over's final flush finds little left. The local platform runs it beside its
/// bulk-load server; on a cluster the database pod's `replica worker flush-data` container does.
/// </summary>
public sealed class BackgroundFlush
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _flushes, _failures;

    private BackgroundFlush(string folder)
    {
        _loop = Task.Factory.StartNew(() =>
        {
            while (!_stop.Token.WaitHandle.WaitOne(Interval))
            {
                if (FileSystemSync.FlushQuietly(folder)) Interlocked.Increment(ref _flushes);
                else Interlocked.Increment(ref _failures);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public static BackgroundFlush Start(string folder) => new(folder);

    /// <summary>Flushes done so far, and flushes that failed (the final flush of a hand-over still reports its own failure).</summary>
    public (int Flushes, int Failures) Counts => (Volatile.Read(ref _flushes), Volatile.Read(ref _failures));

    public async Task StopAsync()
    {
        _stop.Cancel();
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
