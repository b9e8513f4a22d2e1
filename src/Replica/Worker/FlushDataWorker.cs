using System.Diagnostics;
using Replica.Kubernetes.Workers.Protocol;
using Replica.Postgres.Instances;

namespace Replica.Cli.Worker;

/// <summary>
/// `replica worker flush-data --path DIR [--json]`: flushes the file system holding DIR (syncfs) every quarter
/// second until stopped by SIGTERM or SIGINT, then exits 0. The database pod runs it beside a server that loads
/// with fsync off, as the local platform runs the same loop beside its own bulk-load server: the disk writes while
/// the CPUs load and index, so the hand-over's final flush (the `flush-data` init container) finds little left.
/// </summary>
public static class FlushDataWorker
{
    public static async Task<int> RunAsync(WorkerArgs args, WorkerSignals signals)
    {
        args.RejectUnknown("path", "json");
        var path = args.Required("path");
        var output = new WorkerOutput("flush-data", args.Flag("json"));
        if (!Directory.Exists(path))
        {
            output.Stop($"the folder {path} does not exist; pass the data volume's mount path with --path.");
            return 2;
        }
        // The first flush proves the folder can be opened; later ones are best effort, counted, and never end the loop.
        try { FileSystemSync.Flush(path); }
        catch (PostgresInstanceException e)
        {
            output.Stop($"{e.Message.TrimEnd('.')}; pass the data volume's mount path with --path.");
            return 2;
        }
        output.Message($"flushing the file system of {path} every {BackgroundFlush.Interval.TotalSeconds:0.00} s until stopped");
        var clock = Stopwatch.StartNew();
        var flush = BackgroundFlush.Start(path);
        try { await Task.Delay(Timeout.Infinite, signals.Token); }
        catch (OperationCanceledException) { }
        await flush.StopAsync();
        var (flushes, failures) = flush.Counts;
        var summary = new FlushDataSummary(path, flushes + 1, failures, Math.Round(clock.Elapsed.TotalSeconds, 3));
        output.Summary(summary, WorkerJson.Default.FlushDataSummary,
            s => $"stopped by {signals.Received}: flushed {s.Path} {s.Flushes} times in {s.Seconds:0.0} s{(s.Failures > 0 ? $", {s.Failures} flushes failed" : "")}");
        return 0;
    }
}
