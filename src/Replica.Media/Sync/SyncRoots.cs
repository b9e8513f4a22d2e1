using Replica.Media.Native;
using Replica.Media.Tree;

namespace Replica.Media.Sync;

/// <summary>
/// Checks the two top-level paths and opens them: the source must be an existing folder, the
/// destination is created if its parent exists, and a destination equal to, inside or
/// containing the source is refused before anything is written.
/// </summary>
internal static unsafe class SyncRoots
{
    public static DirectoryNode Open(string source, string destination)
    {
        var (sourceReal, destinationPath, destinationMissing) = Resolve(source, destination);
        var sourceFd = OpenSource(source, sourceReal);
        try
        {
            if (destinationMissing)
            {
                fixed (byte* p = Terminated(destinationPath))
                    if (Libc.mkdirat(Flags.AT_FDCWD, p, 0b111_000_000) != 0 && Errno.Last != Errno.EEXIST)
                        throw new MediaSyncException($"cannot create the destination {destination} ({Errno.Describe(Errno.Last)}); check that replica may write there.");
            }
            var destinationFd = OpenRoot(destinationPath);
            if (destinationFd < 0)
            {
                var err = Errno.Last;
                throw err == Errno.ENOTDIR
                    ? new MediaPathRefusedException($"the destination {destination} is not a folder; give a folder (or a path to create) as --dest.")
                    : new MediaSyncException($"cannot open the destination {destination} ({Errno.Describe(err)}); check that replica may write there.");
            }
            EntryStat.ReadDevice(sourceFd, out var sourceId);
            EntryStat.ReadDevice(destinationFd, out var destinationId);
            if (sourceId == destinationId)
            {
                Libc.close(destinationFd);
                throw new MediaPathRefusedException($"the destination {destination} is the same folder as the source {source} (a bind mount or link); choose a destination folder outside the source.");
            }
            EntryStat.Read(sourceFd, out var sourceStat);
            return new DirectoryNode(null, null, sourceStat, createDestination: false) { SourceFd = sourceFd, DestinationFd = destinationFd };
        }
        catch
        {
            Libc.close(sourceFd);
            throw;
        }
    }

    /// <summary>
    /// Opens both roots without writing anything, for a census: the destination's descriptor is
    /// -1 when it does not exist yet. The same checks as <see cref="Open"/> apply.
    /// </summary>
    public static DirectoryNode OpenReadOnly(string source, string destination)
    {
        var (sourceReal, destinationPath, destinationMissing) = Resolve(source, destination);
        var sourceFd = OpenSource(source, sourceReal);
        var destinationFd = destinationMissing ? -1 : OpenRoot(destinationPath);
        if (!destinationMissing && destinationFd < 0)
        {
            var err = Errno.Last;
            Libc.close(sourceFd);
            throw err == Errno.ENOTDIR
                ? new MediaPathRefusedException($"the destination {destination} is not a folder; give a folder (or a path to create) as --dest.")
                : new MediaSyncException($"cannot open the destination {destination} ({Errno.Describe(err)}); check that replica may read it.");
        }
        if (destinationFd >= 0)
        {
            EntryStat.ReadDevice(sourceFd, out var sourceId);
            EntryStat.ReadDevice(destinationFd, out var destinationId);
            if (sourceId == destinationId)
            {
                Libc.close(sourceFd);
                Libc.close(destinationFd);
                throw new MediaPathRefusedException($"the destination {destination} is the same folder as the source {source} (a bind mount or link); choose a destination folder outside the source.");
            }
        }
        return new DirectoryNode(null, null, default, createDestination: destinationMissing) { SourceFd = sourceFd, DestinationFd = destinationFd };
    }

    private static (byte[] SourceReal, byte[] DestinationPath, bool DestinationMissing) Resolve(string source, string destination)
    {
        var sourceReal = RealPath(source)
            ?? throw new MediaPathRefusedException($"the source {source} does not exist or cannot be reached; check --source.");
        var destinationReal = RealPath(destination);
        var destinationMissing = destinationReal is null;
        if (destinationMissing)
        {
            var trimmed = destination.TrimEnd('/');
            var parent = Path.GetDirectoryName(trimmed);
            var parentReal = RealPath(string.IsNullOrEmpty(parent) ? "." : parent)
                ?? throw new MediaPathRefusedException($"the folder that should hold the destination {destination} does not exist; create it or choose another --dest.");
            var separator = parentReal is [.., (byte)'/'] ? Array.Empty<byte>() : [(byte)'/'];
            destinationReal = [.. parentReal, .. separator, .. System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(trimmed))];
        }

        var destinationPath = destinationReal!;
        if (destinationPath.AsSpan().SequenceEqual(sourceReal))
            throw new MediaPathRefusedException($"the destination {destination} is the source itself; choose a destination folder outside {source}.");
        if (IsInside(destinationPath, sourceReal))
            throw new MediaPathRefusedException($"the destination {destination} is inside the source {source}; choose a destination folder outside the source.");
        if (IsInside(sourceReal, destinationPath))
            throw new MediaPathRefusedException($"the destination {destination} contains the source {source}, so mirroring would delete it; choose a destination folder outside the source.");
        return (sourceReal, destinationPath, destinationMissing);
    }

    private static int OpenSource(string source, byte[] sourceReal)
    {
        var sourceFd = OpenRoot(sourceReal);
        if (sourceFd >= 0) return sourceFd;
        var err = Errno.Last;
        throw err == Errno.ENOTDIR
            ? new MediaPathRefusedException($"the source {source} is not a folder; give the media folder as --source.")
            : new MediaSyncException($"cannot open the source {source} ({Errno.Describe(err)}); make it readable by replica.");
    }

    private static bool IsInside(byte[] inner, byte[] outer) =>
        outer is [(byte)'/']
            ? inner.Length > 1
            : inner.Length > outer.Length + 1 && inner.AsSpan().StartsWith(outer) && inner[outer.Length] == (byte)'/';

    // The roots are the user's own paths, so they may be reached through links; inside them nothing is followed.
    private static int OpenRoot(byte[] path)
    {
        fixed (byte* p = Terminated(path))
            return Libc.openat(Flags.AT_FDCWD, p, Flags.O_RDONLY | Flags.O_DIRECTORY | Flags.O_CLOEXEC, 0);
    }

    private static byte[]? RealPath(string path)
    {
        var resolved = new byte[4097];
        fixed (byte* p = EntryName.FromString(path))
        fixed (byte* r = resolved)
        {
            if (Libc.realpath(p, r) is null) return null;
            return System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpanFromNullTerminated(r).ToArray();
        }
    }

    private static byte[] Terminated(byte[] path) => [.. path, 0];
}
