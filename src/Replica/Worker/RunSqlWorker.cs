using System.Diagnostics;
using Npgsql;
using Replica.Kubernetes.Workers.Protocol;

namespace Replica.Cli.Worker;

/// <summary>
/// `replica worker run-sql --host H --port P --user U --database DB --sql=SQL [--json]`: one after_restore SQL step,
/// run in one transaction (as psql -1 would) against the new instance. The server's notices are printed as messages.
/// Exit 1 with the server's error when it fails; nothing of it is committed then. The password comes as libpq tools
/// take it (PGPASSWORD, PGPASSFILE, ~/.pgpass).
/// </summary>
public static class RunSqlWorker
{
    public static async Task<int> RunAsync(WorkerArgs args, WorkerSignals signals)
    {
        args.RejectUnknown("host", "port", "user", "database", "sql", "json");
        var output = new WorkerOutput("run-sql", args.Flag("json"));
        var database = args.Required("database");
        var sql = args.Required("sql");
        var connection = new NpgsqlConnectionStringBuilder
        {
            Host = args.Required("host"),
            Port = args.Int("port", 5432),
            Username = args.Required("user"),
            Database = database,
            Pooling = false,
            Timeout = 30,
            CommandTimeout = 0,
        };
        if (Environment.GetEnvironmentVariable("PGPASSWORD") is { Length: > 0 } password) connection.Password = password;
        var clock = Stopwatch.StartNew();
        try
        {
            await using var c = new NpgsqlConnection(connection.ConnectionString);
            c.Notice += (_, e) => output.Message($"{e.Notice.Severity}: {e.Notice.MessageText}");
            await c.OpenAsync(signals.Token);
            await using var transaction = await c.BeginTransactionAsync(signals.Token);
            await using var command = new NpgsqlCommand(sql, c, transaction);
            var rows = await command.ExecuteNonQueryAsync(signals.Token);
            await transaction.CommitAsync(signals.Token);
            output.Summary(new RunSqlSummary(database, rows, Math.Round(clock.Elapsed.TotalSeconds, 3)), WorkerJson.Default.RunSqlSummary,
                s => $"ran the SQL in database {s.Database}: {(s.Rows >= 0 ? $"{s.Rows} row(s)" : "done")}");
            return 0;
        }
        catch (NpgsqlException e)
        {
            output.Stop($"the SQL in database {database} failed: {e.Message.TrimEnd('.')}.");
            return 1;
        }
        catch (OperationCanceledException)
        {
            output.Stop($"stopped by {signals.Received ?? "cancellation"}; nothing of the SQL was committed.");
            return 1;
        }
    }
}
