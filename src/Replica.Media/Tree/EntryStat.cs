using Replica.Media.Native;

namespace Replica.Media.Tree;

/// <summary>The metadata a mirror compares and copies, read with statx without following links.</summary>
internal readonly record struct EntryStat(EntryKind Kind, uint Mode, long Size, long MtimeSec, uint MtimeNsec, uint Uid, uint Gid, ulong Ino, uint Links)
{
    /// <summary>Permission bits including setuid, setgid and sticky.</summary>
    public uint Permissions => Mode & 0xFFF;

    public bool SameTime(in EntryStat other) => MtimeSec == other.MtimeSec && MtimeNsec == other.MtimeNsec;

    public bool SameOwner(in EntryStat other) => Uid == other.Uid && Gid == other.Gid;

    public static unsafe int Read(int dirfd, byte[] name, out EntryStat stat)
    {
        StatX sx;
        int rc;
        fixed (byte* p = name)
            rc = Libc.statx(dirfd, p, Flags.AT_SYMLINK_NOFOLLOW, Flags.STATX_BASIC_STATS, &sx);
        if (rc != 0) { stat = default; return Errno.Last; }
        stat = From(in sx);
        return 0;
    }

    /// <summary>Stat of an open descriptor.</summary>
    public static unsafe int Read(int fd, out EntryStat stat)
    {
        StatX sx;
        byte empty = 0;
        if (Libc.statx(fd, &empty, Flags.AT_EMPTY_PATH | Flags.AT_SYMLINK_NOFOLLOW, Flags.STATX_BASIC_STATS, &sx) != 0)
        {
            stat = default;
            return Errno.Last;
        }
        stat = From(in sx);
        return 0;
    }

    public static unsafe int ReadDevice(int fd, out (uint Major, uint Minor, ulong Ino) id)
    {
        StatX sx;
        byte empty = 0;
        if (Libc.statx(fd, &empty, Flags.AT_EMPTY_PATH, Flags.STATX_BASIC_STATS, &sx) != 0) { id = default; return Errno.Last; }
        id = (sx.DevMajor, sx.DevMinor, sx.Ino);
        return 0;
    }

    private static EntryStat From(in StatX sx)
    {
        var kind = (sx.Mode & Flags.S_IFMT) switch
        {
            Flags.S_IFREG => EntryKind.File,
            Flags.S_IFDIR => EntryKind.Directory,
            Flags.S_IFLNK => EntryKind.Symlink,
            _ => EntryKind.Other,
        };
        return new EntryStat(kind, sx.Mode, sx.Size, sx.MtimeSec, sx.MtimeNsec, sx.Uid, sx.Gid, sx.Ino, sx.Nlink);
    }
}
