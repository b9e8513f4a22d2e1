using Replica.Media.Sync;

namespace Replica.Media;

/// <summary>
/// Makes a destination folder an exact mirror of a source folder: files, folders, symlinks,
/// permission bits, mtimes (and owners when privileged), deleting what the source lacks.
/// Incremental (entries whose kind, size and mtime match are left alone), atomic per file, and
/// confined to the destination: no path operation follows a symlink inside it.
/// </summary>
public sealed class MediaSync
{
    /// <exception cref="MediaPathRefusedException">the paths cannot be mirrored (a usage error).</exception>
    /// <exception cref="MediaDiskFullException">the destination ran out of space.</exception>
    /// <exception cref="MediaSyncException">a source entry could not be read, or the destination not written.</exception>
    /// <exception cref="OperationCanceledException">cancelled; files already renamed into place stay.</exception>
    public static Task<SyncSummary> RunAsync(string source, string destination, SyncOptions options, IProgress<SyncProgress>? progress, Action<string>? warn, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentNullException.ThrowIfNull(options);
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("media sync runs on Linux only.");
        return Task.Factory.StartNew(() =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            var root = SyncRoots.Open(source, destination);
            return new SyncRun(source, destination, options, progress, warn, cancellationToken).Execute(root);
        }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }
}
