using System.Security.Cryptography;
using System.Text;
using Replica.Media.Native;
using Replica.Media.Tree;

namespace Replica.Media.Tests;

/// <summary>What one entry of a tree looks like, including what a mirror must not change (inode, ctime).</summary>
public sealed record EntrySnapshot(string Kind, uint Permissions, long Size, long MtimeSec, uint MtimeNsec, uint Uid, uint Gid, string Content, ulong Ino, long CtimeSec, uint CtimeNsec)
{
    /// <summary>The part an exact mirror must reproduce.</summary>
    public string Mirrored => $"{Kind} {Convert.ToString(Permissions, 8)} {Size} {MtimeSec}.{MtimeNsec:d9} {Uid}:{Gid} {Content}";
}

/// <summary>
/// Every entry of a tree keyed by its byte path (Latin-1, one char per byte, so any name is a
/// distinct key), read with lstat semantics and never following a link.
/// </summary>
public static unsafe class TreeSnapshot
{
    public static Dictionary<string, EntrySnapshot> Take(string root)
    {
        var result = new Dictionary<string, EntrySnapshot>(StringComparer.Ordinal);
        var fd = Open(Flags.AT_FDCWD, EntryName.FromString(root));
        result["."] = Describe(fd, null);
        Walk(fd, "", result);
        Libc.close(fd);
        return result;
    }

    public static string Key(byte[] path) => Encoding.Latin1.GetString(path);

    private static void Walk(int dirFd, string prefix, Dictionary<string, EntrySnapshot> into)
    {
        var children = new List<ListedEntry>();
        if (DirectoryListing.Read(dirFd, children) != 0) throw new IOException("cannot list " + prefix);
        foreach (var child in children)
        {
            var key = prefix + Encoding.Latin1.GetString(EntryName.Bytes(child.Name));
            var snapshot = Describe(dirFd, child.Name);
            into[key] = snapshot;
            if (snapshot.Kind == "dir")
            {
                var fd = Open(dirFd, child.Name);
                Walk(fd, key + "/", into);
                Libc.close(fd);
            }
        }
    }

    private static int Open(int dirFd, byte[] name)
    {
        fixed (byte* p = name)
        {
            var fd = Libc.openat(dirFd, p, Flags.O_RDONLY | Flags.O_DIRECTORY | Flags.O_NOFOLLOW | Flags.O_CLOEXEC, 0);
            if (fd < 0) throw new IOException($"cannot open folder: {Errno.Describe(Errno.Last)}");
            return fd;
        }
    }

    private static EntrySnapshot Describe(int dirFd, byte[]? name)
    {
        StatX sx;
        byte empty = 0;
        int rc;
        fixed (byte* p = name)
            rc = Libc.statx(dirFd, name is null ? &empty : p, Flags.AT_SYMLINK_NOFOLLOW | (name is null ? Flags.AT_EMPTY_PATH : 0), Flags.STATX_BASIC_STATS, &sx);
        if (rc != 0) throw new IOException($"cannot stat: {Errno.Describe(Errno.Last)}");
        var kind = (sx.Mode & Flags.S_IFMT) switch
        {
            Flags.S_IFREG => "file",
            Flags.S_IFDIR => "dir",
            Flags.S_IFLNK => "link",
            _ => "other",
        };
        var content = kind switch
        {
            "file" => Hash(dirFd, name!),
            "link" => "-> " + Encoding.Latin1.GetString(ReadLink(dirFd, name!)),
            _ => "",
        };
        // A directory's size depends on its history, not its contents; a link's mode is always 777.
        var size = kind == "dir" ? 0 : sx.Size;
        return new EntrySnapshot(kind, (uint)sx.Mode & 0xFFF, size, sx.MtimeSec, sx.MtimeNsec, sx.Uid, sx.Gid, content, sx.Ino, sx.CtimeSec, sx.CtimeNsec);
    }

    private static string Hash(int dirFd, byte[] name)
    {
        int fd;
        fixed (byte* p = name) fd = Libc.openat(dirFd, p, Flags.O_RDONLY | Flags.O_NOFOLLOW | Flags.O_CLOEXEC, 0);
        if (fd < 0) return "unreadable";
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        fixed (byte* b = buffer)
        {
            nint n;
            while ((n = Libc.read(fd, b, (nuint)buffer.Length)) > 0) sha.AppendData(buffer, 0, (int)n);
        }
        Libc.close(fd);
        return Convert.ToHexString(sha.GetHashAndReset())[..16];
    }

    private static byte[] ReadLink(int dirFd, byte[] name)
    {
        var buffer = new byte[8192];
        nint n;
        fixed (byte* p = name)
        fixed (byte* b = buffer)
            n = Libc.readlinkat(dirFd, p, b, (nuint)buffer.Length);
        return buffer[..(int)Math.Max(0, n)];
    }

    /// <summary>Differences between source and destination, as readable lines; empty for an exact mirror.</summary>
    public static List<string> MirrorDifferences(string source, string destination)
    {
        var src = Take(source);
        var dst = Take(destination);
        var diffs = new List<string>();
        foreach (var (key, s) in src)
        {
            if (s.Kind == "other") continue; // fifos and the like are skipped by design
            if (!dst.TryGetValue(key, out var d)) diffs.Add($"missing {key}");
            else if (s.Mirrored != d.Mirrored) diffs.Add($"differs {key}: {s.Mirrored} vs {d.Mirrored}");
        }
        foreach (var key in dst.Keys)
            if (!src.ContainsKey(key)) diffs.Add($"extra {key}");
        return diffs;
    }
}
