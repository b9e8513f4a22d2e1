using System.Text.Json;
using Replica.Media;

namespace Replica.Cli.Worker;

/// <summary>
/// `replica worker sync-media --source SRC --dest DST [--checksum] [--json] [--parallel N]`:
/// the media sync engine as a command, for Kubernetes Jobs and benchmarks. Exit 0 when DST is
/// a mirror, 1 when the sync failed, 2 for bad arguments or refused paths.
/// </summary>
public static class SyncMediaWorker
{
    public static async Task<int> RunAsync(WorkerArgs args, CancellationToken ct)
    {
        args.RejectUnknown("source", "dest", "checksum", "json", "parallel");
        var source = args.Required("source");
        var destination = args.Required("dest");
        var json = args.Flag("json");
        var options = new SyncOptions { Checksum = args.Flag("checksum"), Parallelism = args.Int("parallel", 0) };

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

    public static string SummaryJson(SyncSummary s)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteNumber("files_copied", s.FilesCopied);
            w.WriteNumber("files_updated", s.FilesUpdated);
            w.WriteNumber("files_deleted", s.FilesDeleted);
            w.WriteNumber("files_unchanged", s.FilesUnchanged);
            w.WriteNumber("dirs_created", s.DirsCreated);
            w.WriteNumber("dirs_deleted", s.DirsDeleted);
            w.WriteNumber("symlinks_written", s.SymlinksWritten);
            w.WriteNumber("skipped", s.Skipped);
            w.WriteNumber("bytes_copied", s.BytesCopied);
            w.WriteNumber("seconds", Math.Round(s.Seconds, 3));
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string SummaryText(string source, string destination, SyncSummary s) =>
        $"mirrored {source} to {destination} in {s.Seconds:0.0} s: {s.FilesCopied} copied, {s.FilesUpdated} updated, " +
        $"{s.FilesDeleted} deleted, {s.FilesUnchanged} unchanged; {s.DirsCreated} folders created, {s.DirsDeleted} deleted; " +
        $"{s.SymlinksWritten} symlinks written; {s.Skipped} skipped; {SyncProgressLine.Bytes(s.BytesCopied)} copied.";
}
