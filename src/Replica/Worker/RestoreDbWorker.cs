using System.Text.Json;
using System.Text.Json.Serialization;
using Replica.Postgres.Dumps;
using Replica.Postgres.Restore;

namespace Replica.Cli.Worker;

/// <summary>
/// `replica worker restore-db --backup FILE --host H --port P --user U [--database NAME --owner ROLE] [--jobs N] [--json]`:
/// the restore engine as a plain command (Kubernetes Job, benchmark). The password comes only from PGPASSWORD.
/// </summary>
public static class RestoreDbWorker
{
    public static async Task<int> RunAsync(WorkerArgs args, CancellationToken ct)
    {
        args.RejectUnknown("backup", "host", "port", "user", "database", "owner", "jobs", "json", "pg-bin");
        var password = Environment.GetEnvironmentVariable("PGPASSWORD");
        if (string.IsNullOrEmpty(password))
            throw new WorkerArgsException("set the password in the PGPASSWORD environment variable (it is never taken from the command line).");
        var options = new RestoreOptions(args.Required("backup"), args.Required("host"), args.Int("port", 5432), args.Required("user"), password)
        {
            Database = args.Optional("database"),
            Owner = args.Optional("owner"),
            Jobs = args.Int("jobs", 2),
        };
        if (args.Optional("pg-bin") is { } bin) options = options with { BinDirectory = bin };
        bool json = args.Flag("json");
        if (!File.Exists(options.BackupPath))
        {
            Console.Error.WriteLine($"replica worker restore-db: the backup file {options.BackupPath} does not exist; pass an existing file with --backup.");
            return 2;
        }

        // Progress and log lines go to stderr so that --json keeps stdout machine-readable.
        var lastPhase = "";
        var progress = new InlineProgress<RestoreProgress>(p =>
        {
            var key = p.Phase + p.Table;
            if (key == lastPhase) return;
            lastPhase = key;
            var pct = p.CompressedBytesTotal > 0 ? 100.0 * p.CompressedBytesRead / p.CompressedBytesTotal : 0;
            Console.Error.WriteLine($"restore-db: {pct,5:0.0}% {p.Phase}{(p.Table is null ? "" : " " + p.Table)}");
        });
        try
        {
            var report = await new RestoreEngine().RunAsync(options, progress, m => Console.Error.WriteLine($"restore-db: {m}"), ct);
            if (json) Console.WriteLine(JsonSerializer.Serialize(RestoreReportJson.From(report), RestoreReportJson.Options));
            else PrintSummary(report);
            return 0;
        }
        catch (RestoreException e)
        {
            // The run failed: the target holds a partial restore and must not be used.
            Console.Error.WriteLine($"replica worker restore-db: {e.Message}");
            return 1;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("replica worker restore-db: interrupted; the database is only partly restored.");
            return 1;
        }
    }

    private static void PrintSummary(RestoreReport r)
    {
        Console.WriteLine($"restored {r.BackupPath} ({r.Flavour.ToWire()}{(r.Gzipped ? ", gzip" : "")}): {r.Databases.Count} databases, {r.TableCount} tables, {r.LoadedRows} rows, {r.UncompressedBytes / 1048576.0:0.0} MiB of SQL from {r.CompressedBytes / 1048576.0:0.0} MiB");
        Console.WriteLine($"seconds: schema {r.Seconds.Schema:0.00}, data {r.Seconds.Data:0.00}, indexes and constraints {r.Seconds.IndexesAndConstraints:0.00}, total {r.TotalSeconds:0.00}");
        foreach (var d in r.Databases)
        {
            Console.WriteLine($"  database {d.Name}: {d.Tables.Count} tables, {d.Tables.Sum(t => t.LoadedRows)} rows");
            foreach (var t in d.Tables) Console.WriteLine($"    {t.Table}: {t.LoadedRows} rows (dump carried {t.ExpectedRows})");
        }
        Console.WriteLine(r.Verified ? "verified: every database exists and every table holds the rows its dump carried" : "NOT verified");
    }
}

/// <summary>The --json shape of a restore report (snake_case).</summary>
internal sealed record RestoreReportJson(
    string Backup, string Flavour, bool Gzipped, bool Verified,
    IReadOnlyList<RestoreReportJson.Database> Databases,
    int Tables, long Rows, long CompressedBytes, long UncompressedBytes,
    RestoreReportJson.Phases Seconds, double TotalSeconds)
{
    public sealed record Database(string Name, bool Exists, IReadOnlyList<Table> Tables);
    public sealed record Table(string Name, long ExpectedRows, long LoadedRows, long Bytes);
    public sealed record Phases(double Schema, double Data, double IndexesAndConstraints);

    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static RestoreReportJson From(RestoreReport r) => new(
        r.BackupPath, r.Flavour.ToWire(), r.Gzipped, r.Verified,
        r.Databases.Select(d => new Database(d.Name, d.Exists, d.Tables.Select(t => new Table(t.Table, t.ExpectedRows, t.LoadedRows, t.Bytes)).ToList())).ToList(),
        r.TableCount, r.LoadedRows, r.CompressedBytes, r.UncompressedBytes,
        new Phases(Math.Round(r.Seconds.Schema, 3), Math.Round(r.Seconds.Data, 3), Math.Round(r.Seconds.IndexesAndConstraints, 3)),
        Math.Round(r.TotalSeconds, 3));
}

/// <summary>Reports on the caller's thread, in order (System.Progress posts to the thread pool and may reorder).</summary>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    private readonly Lock _gate = new();
    public void Report(T value) { lock (_gate) report(value); }
}
