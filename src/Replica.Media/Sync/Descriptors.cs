using Replica.Media.Native;

namespace Replica.Media.Sync;

/// <summary>Opening entries relative to a directory descriptor without ever following a symlink.</summary>
internal static unsafe class Descriptors
{
    public static int OpenDirectory(int parentFd, byte[] name)
    {
        fixed (byte* p = name)
            return Libc.openat(parentFd, p, Flags.O_RDONLY | Flags.O_DIRECTORY | Flags.O_NOFOLLOW | Flags.O_CLOEXEC, 0);
    }

    /// <summary>A second descriptor of the same folder with its own offset (a dup would share it).</summary>
    public static int Reopen(int dirFd)
    {
        fixed (byte* p = ".\0"u8)
            return Libc.openat(dirFd, p, Flags.O_RDONLY | Flags.O_DIRECTORY | Flags.O_CLOEXEC, 0);
    }

    /// <summary>
    /// Opens a file to read it: O_NOATIME where allowed, so a sync does not dirty the source's
    /// inodes; O_NONBLOCK, so a fifo swapped in after the stat cannot hang the worker.
    /// </summary>
    public static int OpenFileForReading(int parentFd, byte[] name)
    {
        fixed (byte* p = name)
        {
            var fd = Libc.openat(parentFd, p, Flags.O_RDONLY | Flags.O_NOFOLLOW | Flags.O_CLOEXEC | Flags.O_NOATIME | Flags.O_NONBLOCK, 0);
            if (fd < 0 && Errno.Last == Errno.EPERM)
                fd = Libc.openat(parentFd, p, Flags.O_RDONLY | Flags.O_NOFOLLOW | Flags.O_CLOEXEC | Flags.O_NONBLOCK, 0);
            return fd;
        }
    }

    public static int CreateExclusive(int parentFd, byte[] name)
    {
        fixed (byte* p = name)
            return Libc.openat(parentFd, p, Flags.O_WRONLY | Flags.O_CREAT | Flags.O_EXCL | Flags.O_NOFOLLOW | Flags.O_CLOEXEC, 0b110_000_000);
    }

    public static int Unlink(int parentFd, byte[] name, bool directory)
    {
        fixed (byte* p = name)
            return Libc.unlinkat(parentFd, p, directory ? Flags.AT_REMOVEDIR : 0) == 0 ? 0 : Errno.Last;
    }

    public static int Rename(int dirFd, byte[] from, byte[] to)
    {
        fixed (byte* f = from)
        fixed (byte* t = to)
            return Libc.renameat(dirFd, f, dirFd, t) == 0 ? 0 : Errno.Last;
    }

    public static int MakeDirectory(int parentFd, byte[] name)
    {
        fixed (byte* p = name)
            return Libc.mkdirat(parentFd, p, 0b111_000_000) == 0 ? 0 : Errno.Last;
    }

    /// <summary>Owner write and search on a directory we must change (root needs none of this).</summary>
    /// <returns>true if the mode was changed.</returns>
    public static bool EnsureWritable(int dirFd)
    {
        if (Tree.EntryStat.Read(dirFd, out var stat) == 0 && (stat.Permissions & 0b111_000_000) != 0b111_000_000)
            return Libc.fchmod(dirFd, stat.Permissions | 0b111_000_000) == 0;
        return false;
    }
}
