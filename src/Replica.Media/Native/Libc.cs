using System.Runtime.InteropServices;

namespace Replica.Media.Native;

/// <summary>
/// The libc calls the engine needs. Every name is a NUL-terminated byte string relative to a
/// directory descriptor, so non-UTF-8 names survive and no path is resolved through a symlink.
/// </summary>
internal static unsafe partial class Libc
{
    // "libc" resolves to the linker script libc.so on Debian; the soname is the real library.
    private const string Lib = "libc.so.6";

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int openat(int dirfd, byte* path, int flags, uint mode);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int close(int fd);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial nint getdents64(int fd, byte* buffer, nuint count);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int statx(int dirfd, byte* path, int flags, uint mask, StatX* buffer);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int mkdirat(int dirfd, byte* path, uint mode);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int renameat(int olddirfd, byte* oldpath, int newdirfd, byte* newpath);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int unlinkat(int dirfd, byte* path, int flags);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int symlinkat(byte* target, int newdirfd, byte* linkpath);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial nint readlinkat(int dirfd, byte* path, byte* buffer, nuint size);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int utimensat(int dirfd, byte* path, Timespec* times, int flags);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int futimens(int fd, Timespec* times);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int fchmod(int fd, uint mode);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int fchmodat(int dirfd, byte* path, uint mode, int flags);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int fchown(int fd, uint owner, uint group);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int fchownat(int dirfd, byte* path, uint owner, uint group, int flags);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial nint copy_file_range(int fdIn, long* offIn, int fdOut, long* offOut, nuint length, uint flags);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial nint sendfile(int fdOut, int fdIn, long* offset, nuint count);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int fallocate(int fd, int mode, long offset, long length);

    /// <summary>Returns the error number itself instead of setting errno.</summary>
    [LibraryImport(Lib)]
    internal static partial int posix_fadvise(int fd, long offset, long length, int advice);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial nint read(int fd, byte* buffer, nuint count);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial nint write(int fd, byte* buffer, nuint count);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int ftruncate(int fd, long length);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial byte* realpath(byte* path, byte* resolved);
}
