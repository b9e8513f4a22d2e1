using Replica.Kubernetes.Workers.Protocol;
using Replica.Media;

namespace Replica.Cli.Worker;

/// <summary>
/// `replica worker sync-media --source SRC --dest DST [--checksum] [--json] [--parallel N] [--max-delete-percent N] [--allow-empty-source]`:
/// the media sync engine as a command, for Kubernetes Jobs and benchmarks. Exit 0 when DST is
/// a mirror, 1 when the sync failed or was stopped (SIGTERM, Ctrl-C), 2 for bad arguments or refused paths.
/// </summary>
public static class SyncMediaWorker
{
    public static async Task<int> RunAsync(WorkerArgs args, WorkerSignals signals)
    {
        args.RejectUnknown("source", "dest", "checksum", "json", "parallel", "max-delete-percent", "allow-empty-source");
        var source = args.Required("source");
        var destination = args.Required("dest");
        var output = new WorkerOutput("sync-media", args.Flag("json"));
        // Like rsync's --max-delete: a mirror that would delete more than this share of DST is refused (exit 2); 100 allows any.
        var maxDeletePercent = args.Int("max-delete-percent", 50);
        if (maxDeletePercent > 100) throw new WorkerArgsException($"--max-delete-percent must be a percentage from 1 to 100, not {maxDeletePercent}.");
        var options = new SyncOptions { Checksum = args.Flag("checksum"), Parallelism = args.Int("parallel", 0), MaxDeletePercent = maxDeletePercent, AllowEmptySource = args.Flag("allow-empty-source") };

        // Progress: the protocol's lines under --json; otherwise a bar for a person at a terminal, never a pipe.
        using var bar = !output.Json && !Console.IsErrorRedirected ? new SyncProgressLine() : null;
        IProgress<SyncProgress>? progress = output.Json ? new InlineProgress<SyncProgress>(p => output.Progress(Protocol(p), final: IsLast(p))) : bar;
        try
        {
            var summary = await MediaSync.RunAsync(source, destination, options, progress, m => output.Message($"warning: {m}"), signals.Token);
            bar?.Finish();
            output.Summary(Document(summary), WorkerJson.Default.SyncMediaSummary, s => SummaryText(source, destination, s));
            return 0;
        }
        catch (MediaPathRefusedException e)
        {
            bar?.Finish();
            output.Stop(e.Message);
            return 2;
        }
        catch (MediaSyncException e)
        {
            bar?.Finish();
            output.Stop(e.Message);
            return 1;
        }
        catch (OperationCanceledException)
        {
            bar?.Finish();
            output.Stop($"stopped by {signals.Received ?? "cancellation"}; files already in place stay, run again to finish.");
            return 1;
        }
    }

    public static WorkerProgress Protocol(SyncProgress p) => new(null, null,
        p.BytesDone, p.TotalsFinal ? p.BytesTotal : null, p.FilesDone, p.TotalsFinal ? p.FilesTotal : null, p.BytesPerSecond);

    private static bool IsLast(SyncProgress p) => p.TotalsFinal && p.FilesDone >= p.FilesTotal && p.BytesDone >= p.BytesTotal;

    public static SyncMediaSummary Document(SyncSummary s) => new(
        s.FilesCopied, s.FilesUpdated, s.FilesDeleted, s.FilesUnchanged, s.DirsCreated, s.DirsDeleted,
        s.SymlinksWritten, s.Skipped, s.BytesCopied, Math.Round(s.Seconds, 3));

    private static string SummaryText(string source, string destination, SyncMediaSummary s) =>
        $"mirrored {source} to {destination} in {s.Seconds:0.0} s: {s.FilesCopied} copied, {s.FilesUpdated} updated, " +
        $"{s.FilesDeleted} deleted, {s.FilesUnchanged} unchanged; {s.DirsCreated} folders created, {s.DirsDeleted} deleted; " +
        $"{s.SymlinksWritten} symlinks written; {s.Skipped} skipped; {SyncProgressLine.Bytes(s.BytesCopied)} copied.";
}
