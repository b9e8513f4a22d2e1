using Replica.Media.Census;
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
    /// <exception cref="MediaDeletionRefusedException">the mirror would delete more than <see cref="SyncOptions"/> allow; nothing was changed.</exception>
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
            try
            {
                DeletionGuard.Check(root, source, destination, options, cancellationToken);
            }
            catch
            {
                root.CloseDescriptors();
                throw;
            }
            return new SyncRun(source, destination, options, progress, warn, cancellationToken).Execute(root);
        }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>
    /// Counts, from names alone and without changing anything, what <see cref="RunAsync"/> would
    /// delete: entries in each tree and destination entries the source lacks (with everything
    /// under a folder the source lacks). A destination that does not exist yet counts as empty.
    /// </summary>
    /// <exception cref="MediaPathRefusedException">the paths cannot be mirrored (a usage error).</exception>
    /// <exception cref="MediaSyncException">a root could not be opened.</exception>
    public static Task<DeletionCensus> CountDeletionsAsync(string source, string destination, CancellationToken cancellationToken, int parallelism = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentException.ThrowIfNullOrEmpty(destination);
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("media sync runs on Linux only.");
        var threads = new SyncOptions { Parallelism = parallelism }.EffectiveParallelism;
        return Task.Factory.StartNew(() =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            var root = SyncRoots.OpenReadOnly(source, destination);
            try
            {
                return CensusWalk.Count(root, threads, cancellationToken);
            }
            finally
            {
                root.CloseDescriptors();
            }
        }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }
}
