using System.Runtime.InteropServices;

namespace Replica.Postgres.Instances;

/// <summary>
/// Flushes the file system holding a folder (syncfs): after running with fsync=off, PostgreSQL's
/// documentation asks for exactly this (or initdb --sync-only, which fsyncs file by file and is much slower).
/// </summary>
internal static class FileSystemSync
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
    public static void FlushQuietly(string folder)
    {
        try { Flush(folder); } catch (PostgresInstanceException) { }
    }

    [DllImport("libc", SetLastError = true)] private static extern int open(string path, int flags);
    [DllImport("libc", SetLastError = true)] private static extern int syncfs(int fd);
    [DllImport("libc", SetLastError = true)] private static extern int close(int fd);
}

/// <summary>
/// While a restore writes with fsync=off, the kernel keeps up to a tenth of memory dirty and writes it only
/// when asked. This asks every quarter second, on a thread of its own, so the disk works while the CPUs
/// load and index, and the hand-over's final flush finds little left.
/// </summary>
internal sealed class BackgroundFlush
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private BackgroundFlush(string folder)
    {
        _loop = Task.Factory.StartNew(() =>
        {
            while (!_stop.Token.WaitHandle.WaitOne(250)) FileSystemSync.FlushQuietly(folder);
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public static BackgroundFlush Start(string folder) => new(folder);

    public async Task StopAsync()
    {
        _stop.Cancel();
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
