using System.Diagnostics;
using Replica.Core.Progress;
using Replica.Core.Workflows;
using Replica.Media;
using Replica.Postgres.Restore;

namespace Replica.Local;

/// <summary>Turns the engines' own progress records into the run's progress updates.</summary>
internal static class ProgressAdapters
{
    public static IProgress<SyncProgress> Media(RunContext run) => new SyncProgressAdapter(run);

    public static IProgress<RestoreProgress> Restore(RunContext run) => new RestoreProgressAdapter(run);

    private sealed class SyncProgressAdapter(RunContext run) : IProgress<SyncProgress>
    {
        public void Report(SyncProgress p) => run.Progress.Report(new ProgressUpdate(run.CurrentStep,
            BytesDone: p.BytesDone, BytesTotal: p.TotalsFinal ? p.BytesTotal : null,
            FilesDone: p.FilesDone, FilesTotal: p.TotalsFinal ? p.FilesTotal : null, BytesPerSecond: p.BytesPerSecond));
    }

    private sealed class RestoreProgressAdapter(RunContext run) : IProgress<RestoreProgress>
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();

        public void Report(RestoreProgress p) => run.Progress.Report(new ProgressUpdate(run.CurrentStep, p.Phase, p.Table,
            BytesDone: p.CompressedBytesRead, BytesTotal: p.CompressedBytesTotal,
            BytesPerSecond: p.CompressedBytesRead / Math.Max(0.001, _clock.Elapsed.TotalSeconds)));
    }
}
