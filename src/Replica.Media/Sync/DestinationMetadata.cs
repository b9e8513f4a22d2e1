using Replica.Media.Native;
using Replica.Media.Tree;

namespace Replica.Media.Sync;

/// <summary>
/// Owner, permission bits and mtime of destination entries. Owner goes first because chown
/// clears setuid and setgid bits; every call works on a descriptor or with AT_SYMLINK_NOFOLLOW.
/// </summary>
internal static unsafe class DestinationMetadata
{
    public static Timespec[] Times(in EntryStat source) =>
        [new Timespec { Sec = 0, Nsec = Flags.UTIME_OMIT }, new Timespec { Sec = source.MtimeSec, Nsec = source.MtimeNsec }];

    /// <summary>Applies metadata to a file just written (still under its temporary name).</summary>
    public static int ApplyToNewFile(SyncRun run, int fd, in EntryStat source)
    {
        if (run.Options.PreserveOwner && Libc.fchown(fd, source.Uid, source.Gid) != 0) return Errno.Last;
        if (Libc.fchmod(fd, source.Permissions) != 0) return Errno.Last;
        var times = Times(source);
        fixed (Timespec* t = times)
            if (Libc.futimens(fd, t) != 0) return Errno.Last;
        return 0;
    }

    public static void ApplyToDirectory(SyncRun run, DirectoryNode node)
    {
        var fd = node.DestinationFd;
        var source = node.Source;
        EntryStat current;
        if (!node.Changed && node.DestinationSeen is { } seen) current = seen;
        else if (EntryStat.Read(fd, out current) != 0) return;
        var err = 0;
        var ownerChanged = false;
        if (run.Options.PreserveOwner && !current.SameOwner(source))
        {
            if (Libc.fchown(fd, source.Uid, source.Gid) != 0) err = Errno.Last;
            ownerChanged = true;
        }
        if (err == 0 && (ownerChanged || current.Permissions != source.Permissions) && Libc.fchmod(fd, source.Permissions) != 0) err = Errno.Last;
        if (err == 0 && !current.SameTime(source))
        {
            var times = Times(source);
            fixed (Timespec* t = times)
                if (Libc.futimens(fd, t) != 0) err = Errno.Last;
        }
        if (err != 0) run.DestinationError(node.RelativePath(), "set the owner, mode or time of", err);
    }

    /// <summary>Whether an existing entry already has the metadata <see cref="FixFile"/> would give it.</summary>
    public static bool Matches(SyncRun run, in EntryStat source, in EntryStat current, bool includeTime) =>
        (!run.Options.PreserveOwner || current.SameOwner(source))
        && current.Permissions == source.Permissions
        && (!includeTime || current.SameTime(source));

    /// <summary>Corrects an existing file whose content is already right; true if anything was written.</summary>
    public static bool FixFile(SyncRun run, DirectoryNode node, byte[] name, in EntryStat source, in EntryStat current, bool includeTime)
    {
        var fd = node.DestinationFd;
        var changed = false;
        var err = 0;
        fixed (byte* p = name)
        {
            if (run.Options.PreserveOwner && !current.SameOwner(source))
            {
                if (Libc.fchownat(fd, p, source.Uid, source.Gid, Flags.AT_SYMLINK_NOFOLLOW) != 0) err = Errno.Last;
                changed = true;
            }
            if (err == 0 && (changed || current.Permissions != source.Permissions))
            {
                if (Libc.fchmodat(fd, p, source.Permissions, Flags.AT_SYMLINK_NOFOLLOW) != 0) err = Errno.Last;
                changed = true;
            }
            if (err == 0 && includeTime && !current.SameTime(source))
            {
                var times = Times(source);
                fixed (Timespec* t = times)
                    if (Libc.utimensat(fd, p, t, Flags.AT_SYMLINK_NOFOLLOW) != 0) err = Errno.Last;
                changed = true;
            }
        }
        if (err != 0) run.DestinationError(node.RelativePath(name), "set the owner, mode or time of", err);
        return changed;
    }

    /// <summary>Owner and time of a symlink (a link has no mode of its own on Linux).</summary>
    public static int ApplyToLink(SyncRun run, int dirFd, byte[] name, in EntryStat source, in EntryStat? current)
    {
        fixed (byte* p = name)
        {
            if (run.Options.PreserveOwner && !(current?.SameOwner(source) ?? false)
                && Libc.fchownat(dirFd, p, source.Uid, source.Gid, Flags.AT_SYMLINK_NOFOLLOW) != 0)
                return Errno.Last;
            if (!(current?.SameTime(source) ?? false))
            {
                var times = Times(source);
                fixed (Timespec* t = times)
                    if (Libc.utimensat(dirFd, p, t, Flags.AT_SYMLINK_NOFOLLOW) != 0) return Errno.Last;
            }
        }
        return 0;
    }
}
