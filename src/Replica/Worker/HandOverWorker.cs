using System.Diagnostics;
using Npgsql;
using Replica.Kubernetes.Workers.Protocol;

namespace Replica.Cli.Worker;

/// <summary>
/// `replica worker hand-over --host H --port P --user U [--json]`: the last step of handing a restored instance
/// over on a cluster, run once its server was restarted without the bulk-load arguments (and its volume flushed).
/// Reads the settings the server runs with, refuses (exit 1) when any of them is still a bulk-load one, else runs
/// CHECKPOINT and prints what it found. The password comes as libpq tools take it (PGPASSWORD, PGPASSFILE, ~/.pgpass).
/// </summary>
public static class HandOverWorker
{
    public static async Task<int> RunAsync(WorkerArgs args, WorkerSignals signals)
    {
        args.RejectUnknown("host", "port", "user", "json");
        var output = new WorkerOutput("hand-over", args.Flag("json"));
        var host = args.Required("host");
        var connection = new NpgsqlConnectionStringBuilder
        {
            Host = host,
            Port = args.Int("port", 5432),
            Username = args.Required("user"),
            Database = "postgres",
            Pooling = false,
            Timeout = 30,
            CommandTimeout = 0, // a checkpoint after a large restore writes for a while
        };
        if (Environment.GetEnvironmentVariable("PGPASSWORD") is { Length: > 0 } password) connection.Password = password;
        var clock = Stopwatch.StartNew();
        try
        {
            await using var c = new NpgsqlConnection(connection.ConnectionString);
            await c.OpenAsync(signals.Token);
            string[] settings;
            await using (var show = new NpgsqlCommand(
                "SELECT current_setting('fsync'), current_setting('full_page_writes'), current_setting('wal_level'), current_setting('synchronous_commit')", c))
            await using (var row = await show.ExecuteReaderAsync(signals.Token))
            {
                await row.ReadAsync(signals.Token);
                settings = [row.GetString(0), row.GetString(1), row.GetString(2), row.GetString(3)];
            }
            var found = new HandOverSummary(settings[0], settings[1], settings[2], settings[3], Checkpointed: false, 0);
            if (!found.Durable)
            {
                output.Stop($"the server at {host} runs with {found.Describe()}, which is not durable; it must not be used (was it restarted without the bulk-load arguments?).");
                return 1;
            }
            await using (var checkpoint = new NpgsqlCommand("CHECKPOINT", c))
                await checkpoint.ExecuteNonQueryAsync(signals.Token);
            var summary = found with { Checkpointed = true, Seconds = Math.Round(clock.Elapsed.TotalSeconds, 3) };
            output.Summary(summary, WorkerJson.Default.HandOverSummary, s => $"handed over durable: {s.Describe()}; checkpoint done in {s.Seconds:0.00} s");
            return 0;
        }
        catch (NpgsqlException e)
        {
            output.Stop($"the server at {host} could not be checked or checkpointed: {e.Message.TrimEnd('.')}.");
            return 1;
        }
        catch (OperationCanceledException)
        {
            output.Stop($"stopped by {signals.Received ?? "cancellation"}; the instance was not handed over and must not be used.");
            return 1;
        }
    }
}
