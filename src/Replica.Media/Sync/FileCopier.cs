using Replica.Media.Native;
using Replica.Media.Tree;

namespace Replica.Media.Sync;

/// <summary>
/// Writes one file atomically: the content goes to a temporary name in the same folder, gets its
/// owner, mode and mtime, and only then is renamed over the final name. A killed run leaves at
/// most a temporary file, which the next run deletes.
/// </summary>
internal static class FileCopier
{
    public static void Copy(SyncRun run, in CopyJob job)
    {
        var node = job.Directory;
        var srcFd = Descriptors.OpenFileForReading(node.SourceFd, job.Name);
        if (srcFd < 0)
        {
            var err = Errno.Last;
            if (err == Errno.ENOENT) run.Vanished(node.RelativePath(job.Name));
            else run.SourceError(node.RelativePath(job.Name), err);
            return;
        }
        try
        {
            if (job.Source.Size >= 1 << 20) Libc.posix_fadvise(srcFd, 0, 0, Flags.POSIX_FADV_SEQUENTIAL);
            WriteThroughTemporary(run, job, srcFd);
        }
        finally
        {
            Libc.close(srcFd);
        }
    }

    private static void WriteThroughTemporary(SyncRun run, in CopyJob job, int srcFd)
    {
        var node = job.Directory;
        byte[] temp;
        int dstFd;
        node.BeginChange(run.Privileged);
        while (true)
        {
            temp = TempName.Next();
            dstFd = Descriptors.CreateExclusive(node.DestinationFd, temp);
            if (dstFd >= 0) break;
            var err = Errno.Last;
            if (err == Errno.EEXIST) continue;
            if (Errno.IsNoSpace(err)) run.DiskFull(0);
            else run.DestinationError(node.RelativePath(job.Name), "create a temporary file for", err);
            return;
        }

        var landed = false;
        long copied = 0;
        try
        {
            var outcome = ContentCopy.Run(run, srcFd, dstFd, job.Source.Size, ref copied);
            if (outcome.Failed)
            {
                if (outcome.NoSpace) run.DiskFull(copied);
                else
                {
                    SyncCounters.Add(ref run.Counters.BytesCopied, -copied);
                    if (outcome.SourceSide) run.SourceError(node.RelativePath(job.Name), outcome.Errno);
                    else if (outcome.Errno != 0) run.DestinationError(node.RelativePath(job.Name), "write", outcome.Errno);
                }
                return;
            }

            var metaErr = DestinationMetadata.ApplyToNewFile(run, dstFd, job.Source);
            var closeErr = Libc.close(dstFd) == 0 ? 0 : Errno.Last;
            dstFd = -1;
            if (metaErr == 0 && closeErr != 0) metaErr = closeErr;
            if (metaErr != 0)
            {
                if (Errno.IsNoSpace(metaErr)) run.DiskFull(copied);
                else run.DestinationError(node.RelativePath(job.Name), "finish", metaErr);
                return;
            }

            var renameErr = Descriptors.Rename(node.DestinationFd, temp, job.Name);
            if (renameErr != 0)
            {
                run.DestinationError(node.RelativePath(job.Name), "rename a finished copy into", renameErr);
                return;
            }
            landed = true;
            if (job.Replaces) SyncCounters.Add(ref run.Counters.FilesUpdated);
            else SyncCounters.Add(ref run.Counters.FilesCopied);
            SyncCounters.Add(ref run.Counters.FilesDone);
        }
        finally
        {
            if (dstFd >= 0) Libc.close(dstFd);
            if (!landed) Descriptors.Unlink(node.DestinationFd, temp, directory: false);
        }
    }
}
