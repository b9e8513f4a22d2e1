using System.Globalization;
using Replica.Media;

namespace Replica.Cli.Worker;

/// <summary>
/// `replica worker sync-media --source SRC --dest DST [--checksum] [--json] [--parallel N] [--max-delete-percent N] [--allow-empty-source]`:
/// the media sync engine as a command, for Kubernetes Jobs and benchmarks. Exit 0 when DST is
/// a mirror, 1 when the sync failed, 2 for bad arguments or refused paths.
/// </summary>
public static class SyncMediaWorker
{
    public static async Task<int> RunAsync(WorkerArgs args, CancellationToken ct)
    {
        args.RejectUnknown("source", "dest", "checksum", "json", "parallel", "max-delete-percent", "allow-empty-source");
        var source = args.Required("source");
        var destination = args.Required("dest");
        var json = args.Flag("json");
        // Like rsync's --max-delete: a mirror that would delete more than this share of DST is refused (exit 2); 100 allows any.
        var maxDeletePercent = args.Int("max-delete-percent", 50);
        if (maxDeletePercent > 100) throw new WorkerArgsException($"--max-delete-percent must be a percentage from 1 to 100, not {maxDeletePercent}.");
        var options = new SyncOptions { Checksum = args.Flag("checksum"), Parallelism = args.Int("parallel", 0), MaxDeletePercent = maxDeletePercent, AllowEmptySource = args.Flag("allow-empty-source") };

        // Progress goes to a person only: a terminal on stderr, never a pipe or a Job's log.
        using var bar = !Console.IsErrorRedirected ? new SyncProgressLine() : null;
        try
        {
            var summary = await MediaSync.RunAsync(source, destination, options, bar, Warn, ct);
            bar?.Finish();
            Console.Out.Write(json ? SummaryJson(summary) + "\n" : SummaryText(source, destination, summary) + "\n");
            return 0;
        }
        catch (MediaPathRefusedException e)
        {
            bar?.Finish();
            Console.Error.WriteLine($"replica worker sync-media: {e.Message}");
            return 2;
        }
        catch (MediaSyncException e)
        {
            bar?.Finish();
            Console.Error.WriteLine($"replica worker sync-media: {e.Message}");
            return 1;
        }
        catch (OperationCanceledException)
        {
            bar?.Finish();
            Console.Error.WriteLine("replica worker sync-media: cancelled; files already in place stay, run again to finish.");
            return 1;
        }
    }

    private static void Warn(string message) => Console.Error.WriteLine($"replica worker sync-media: warning: {message}");

    /// <summary>The summary a Kubernetes Job prints and the platform parses; snake_case, one line.</summary>
    /// <remarks>Written by hand: numbers only, and a no-op sync should not pay for loading a JSON library.</remarks>
    public static string SummaryJson(SyncSummary s) => string.Create(CultureInfo.InvariantCulture,
        $"{{\"files_copied\":{s.FilesCopied},\"files_updated\":{s.FilesUpdated},\"files_deleted\":{s.FilesDeleted}," +
        $"\"files_unchanged\":{s.FilesUnchanged},\"dirs_created\":{s.DirsCreated},\"dirs_deleted\":{s.DirsDeleted}," +
        $"\"symlinks_written\":{s.SymlinksWritten},\"skipped\":{s.Skipped},\"bytes_copied\":{s.BytesCopied},\"seconds\":{Math.Round(s.Seconds, 3)}}}");

    private static string SummaryText(string source, string destination, SyncSummary s) =>
        $"mirrored {source} to {destination} in {s.Seconds:0.0} s: {s.FilesCopied} copied, {s.FilesUpdated} updated, " +
        $"{s.FilesDeleted} deleted, {s.FilesUnchanged} unchanged; {s.DirsCreated} folders created, {s.DirsDeleted} deleted; " +
        $"{s.SymlinksWritten} symlinks written; {s.Skipped} skipped; {SyncProgressLine.Bytes(s.BytesCopied)} copied.";
}
