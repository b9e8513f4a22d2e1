using System.Buffers;
using System.Runtime.InteropServices;
using Replica.Media.Native;

namespace Replica.Media.Tree;

/// <summary>One name from a directory listing with the kind getdents reported (Unknown if the file system does not say).</summary>
internal readonly record struct ListedEntry(byte[] Name, EntryKind Kind);

/// <summary>Reads a whole directory with getdents64 and sorts it by name bytes, so two listings merge in one pass.</summary>
internal static class DirectoryListing
{
    // Large reads cut round trips on NFS, where one READDIR reply fills one call.
    private const int BufferSize = 64 * 1024;

    /// <returns>0 or the errno of the failed read.</returns>
    public static unsafe int Read(int fd, List<ListedEntry> into)
    {
        into.Clear();
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            fixed (byte* b = buffer)
            {
                while (true)
                {
                    var n = Libc.getdents64(fd, b, (nuint)BufferSize);
                    if (n < 0)
                    {
                        var err = Errno.Last;
                        if (err == Errno.EINTR) continue;
                        return err;
                    }
                    if (n == 0) break;
                    int off = 0;
                    while (off < n)
                    {
                        // struct linux_dirent64 { u64 ino; s64 off; u16 reclen; u8 type; char name[]; }
                        var reclen = *(ushort*)(b + off + 16);
                        var type = b[off + 18];
                        var namePtr = b + off + 19;
                        var len = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(namePtr).Length;
                        var span = new ReadOnlySpan<byte>(namePtr, len);
                        if (!EntryName.IsDotOrDotDot(span))
                        {
                            var name = new byte[len + 1];
                            span.CopyTo(name);
                            into.Add(new ListedEntry(name, KindOf(type)));
                        }
                        off += reclen;
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        into.Sort(static (a, b) => EntryName.Compare(a.Name, b.Name));
        return 0;
    }

    private static EntryKind KindOf(byte type) => type switch
    {
        Flags.DT_UNKNOWN => EntryKind.Unknown,
        Flags.DT_REG => EntryKind.File,
        Flags.DT_DIR => EntryKind.Directory,
        Flags.DT_LNK => EntryKind.Symlink,
        _ => EntryKind.Other,
    };
}
