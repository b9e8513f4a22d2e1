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

    [DllImport("libc", SetLastError = true)] private static extern int open(string path, int flags);
    [DllImport("libc", SetLastError = true)] private static extern int syncfs(int fd);
    [DllImport("libc", SetLastError = true)] private static extern int close(int fd);
}
