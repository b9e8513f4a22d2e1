using System.Diagnostics;
using System.Text;
using Replica.Media.Native;

namespace Replica.Media.Tests;

/// <summary>
/// A scratch folder holding SRC and DST, built with byte names through the kernel directly
/// (so non-UTF-8 names are possible) and removed with everything in it afterwards.
/// </summary>
public sealed unsafe class TestTree : IDisposable
{
    public static readonly long FixedTime = 1_600_000_000; // 2020-09-13, far from "now"

    public TestTree()
    {
        Root = Path.Combine(Path.GetTempPath(), "replica-media-" + Guid.NewGuid().ToString("n")[..12]);
        Directory.CreateDirectory(Root);
        Source = Path.Combine(Root, "src");
        Destination = Path.Combine(Root, "dst");
        Directory.CreateDirectory(Source);
    }

    public string Root { get; }
    public string Source { get; }
    public string Destination { get; }

    public static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>One byte per char, for names that are not UTF-8.</summary>
    public static byte[] L(string s) => Encoding.Latin1.GetBytes(s);

    public static byte[] Join(params byte[][] parts)
    {
        var list = new List<byte>();
        foreach (var part in parts)
        {
            if (list.Count > 0) list.Add((byte)'/');
            list.AddRange(part);
        }
        return list.ToArray();
    }

    public static byte[] Full(string root, byte[] relative) => [.. B(root), (byte)'/', .. relative, 0];

    public void File(string rel, string content, uint mode = 0b110_100_100, long? mtime = null) => File(B(rel), B(content), mode, mtime);

    public void File(byte[] rel, byte[] content, uint mode = 0b110_100_100, long? mtime = null, string? root = null)
    {
        for (int i = 0; i < rel.Length; i++)
            if (rel[i] == (byte)'/')
                fixed (byte* d = Full(root ?? Source, rel[..i]))
                    Libc.mkdirat(Flags.AT_FDCWD, d, 0b111_101_101);
        fixed (byte* p = Full(root ?? Source, rel))
        {
            var fd = Libc.openat(Flags.AT_FDCWD, p, Flags.O_WRONLY | Flags.O_CREAT | Flags.O_NOFOLLOW | 0x200 /* O_TRUNC */, 0b110_000_000);
            Check(fd >= 0, rel);
            try
            {
                fixed (byte* c = content)
                    Check(content.Length == 0 || Libc.write(fd, c, (nuint)content.Length) == content.Length, rel);
                Check(Libc.fchmod(fd, mode) == 0, rel);
            }
            finally
            {
                Libc.close(fd);
            }
        }
        SetTime(rel, mtime ?? FixedTime, root);
    }

    public void Dir(string rel, uint mode = 0b111_101_101) => Dir(B(rel), mode);

    public void Dir(byte[] rel, uint mode = 0b111_101_101, string? root = null)
    {
        fixed (byte* p = Full(root ?? Source, rel))
        {
            Check(Libc.mkdirat(Flags.AT_FDCWD, p, 0b111_000_000) == 0 || Errno.Last == Errno.EEXIST, rel);
            Check(Libc.fchmodat(Flags.AT_FDCWD, p, mode, 0) == 0, rel);
        }
    }

    public void Symlink(string rel, string target, string? root = null) => Symlink(B(rel), B(target), root);

    public void Symlink(byte[] rel, byte[] target, string? root = null)
    {
        fixed (byte* t = (byte[])[.. target, 0])
        fixed (byte* p = Full(root ?? Source, rel))
            Check(Libc.symlinkat(t, Flags.AT_FDCWD, p) == 0, rel);
        SetTime(rel, FixedTime - 100, root);
    }

    public void SetTime(string rel, long mtime, string? root = null) => SetTime(B(rel), mtime, root);

    public void SetTime(byte[] rel, long mtime, string? root = null)
    {
        var times = stackalloc Timespec[2];
        times[0] = new Timespec { Sec = mtime, Nsec = 0 };
        times[1] = new Timespec { Sec = mtime, Nsec = 123_456_789 };
        fixed (byte* p = Full(root ?? Source, rel))
            Check(Libc.utimensat(Flags.AT_FDCWD, p, times, Flags.AT_SYMLINK_NOFOLLOW) == 0, rel);
    }

    public Task<SyncSummary> SyncAsync(SyncOptions? options = null, List<string>? warnings = null) =>
        MediaSync.RunAsync(Source, Destination, options ?? new SyncOptions(), null, w => { lock (this) warnings?.Add(w); }, CancellationToken.None);

    private static void Check(bool ok, byte[] rel)
    {
        if (!ok) throw new IOException($"setting up {Encoding.UTF8.GetString(rel)} failed: {Errno.Describe(Errno.Last)}");
    }

    public static void Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.WaitForExit();
        if (p.ExitCode != 0) throw new IOException($"{file} {string.Join(' ', args)} failed: {p.StandardError.ReadToEnd()}");
    }

    public void Dispose()
    {
        // rm copes with any name and chmod with unreadable leftovers of a test.
        try { Run("chmod", "-R", "u+rwx", Root); } catch (IOException) { }
        Run("rm", "-rf", Root);
    }
}
