using Replica.Core.Platforms;
using Replica.Core.Progress;
using Replica.Kubernetes.Workers.Protocol;

namespace Replica.Kubernetes.Workers;

/// <summary>Core's summaries and progress updates from the worker protocol's records.</summary>
public static class WorkerSummaries
{
    public static MediaSummary Media(SyncMediaSummary s) => new(
        s.FilesCopied, s.FilesUpdated, s.FilesDeleted, s.FilesUnchanged, s.DirsCreated, s.DirsDeleted,
        s.SymlinksWritten, s.Skipped, s.BytesCopied, s.Seconds);

    public static RestoreSummary Restore(RestoreDbSummary s) => new(
        s.Flavour, s.Databases.Select(d => d.Name).ToList(), s.Tables, s.Rows, s.UncompressedBytes,
        s.Seconds.Schema, s.Seconds.Data, s.Seconds.IndexesAndConstraints, s.TotalSeconds);

    public static ProgressUpdate Progress(string step, WorkerProgress p) => new(
        step, p.Phase, p.Item, p.BytesDone, p.BytesTotal, p.FilesDone, p.FilesTotal, p.BytesPerSecond);
}
