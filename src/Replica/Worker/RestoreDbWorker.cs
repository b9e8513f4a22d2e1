using Replica.Kubernetes.Workers.Protocol;
using Replica.Dumps;
using Replica.Postgres.Restore;

namespace Replica.Cli.Worker;

/// <summary>
/// `replica worker restore-db --backup FILE --host H --port P --user U [--database NAME --owner ROLE] [--jobs N] [--masking-profile-file F] [--json]`:
/// the restore engine as a plain command (Kubernetes Job, benchmark). The password comes as libpq
/// tools take it, never from the command line: PGPASSWORD, else PGPASSFILE or ~/.pgpass, else none.
/// </summary>
public static class RestoreDbWorker
{
    public static async Task<int> RunAsync(WorkerArgs args, WorkerSignals signals)
    {
        args.RejectUnknown("backup", "host", "port", "user", "database", "owner", "jobs", "json", "pg-bin", "masking-profile-file");
        // Empty: the connection looks in PGPASSFILE or ~/.pgpass per database, and else sends none (trust, peer).
        var password = Environment.GetEnvironmentVariable("PGPASSWORD") ?? "";
        var options = new RestoreOptions(args.Required("backup"), args.Required("host"), args.Int("port", 5432), args.Required("user"), password)
        {
            Database = args.Optional("database"),
            Owner = args.Optional("owner"),
            Jobs = args.Int("jobs", 2),
        };
        if (args.Optional("pg-bin") is { } bin) options = options with { BinDirectory = bin };
        var output = new WorkerOutput("restore-db", args.Flag("json"));
        if (!File.Exists(options.BackupPath))
        {
            output.Stop($"the backup file {options.BackupPath} does not exist; pass an existing file with --backup.");
            return 2;
        }
        if (args.Optional("masking-profile-file") is { } profileFile)
        {
            // The gate before anything is loaded: the plan cannot read a backup that only the cluster can mount.
            try { options = options with { Masking = await MaskingGate.CheckAsync(profileFile, options, output, signals.Token) }; }
            catch (MaskingGate.RefusedException e)
            {
                output.Stop(e.Message);
                return 2;
            }
        }

        // Progress and messages go to stderr so that --json keeps stdout machine-readable.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var progress = new InlineProgress<RestoreProgress>(p => output.Progress(new WorkerProgress(p.Phase, p.Table,
            p.CompressedBytesRead, p.CompressedBytesTotal, 0, null, p.CompressedBytesRead / Math.Max(0.001, clock.Elapsed.TotalSeconds))));
        try
        {
            var report = await new RestoreEngine().RunAsync(options, progress, m => output.Message(m), signals.Token);
            output.Summary(Document(report), WorkerJson.Default.RestoreDbSummary, SummaryText);
            return 0;
        }
        catch (RestoreException e)
        {
            // The run failed: the target holds a partial restore and must not be used.
            output.Stop(e.Message);
            return 1;
        }
        catch (OperationCanceledException)
        {
            output.Stop($"stopped by {signals.Received ?? "cancellation"}; the database is only partly restored and must not be used.");
            return 1;
        }
    }

    public static RestoreDbSummary Document(RestoreReport r) => new(
        r.BackupPath, r.Flavour.ToWire(), r.Gzipped, r.Verified,
        r.Databases.Select(d => new RestoreDbSummary.Database(d.Name, d.Exists,
            d.Tables.Select(t => new RestoreDbSummary.Table(t.Table, t.ExpectedRows, t.LoadedRows, t.Bytes)).ToList())).ToList(),
        r.TableCount, r.LoadedRows, r.CompressedBytes, r.UncompressedBytes,
        new RestoreDbSummary.Phases(Math.Round(r.Seconds.Schema, 3), Math.Round(r.Seconds.Data, 3), Math.Round(r.Seconds.IndexesAndConstraints, 3)),
        Math.Round(r.TotalSeconds, 3),
        r.Masked.Count == 0 ? null : r.Masked.Select(m => new MaskedColumn(m.Database, m.Table, m.Column, m.Transformer, m.Values, m.Verified)).ToList());

    private static string SummaryText(RestoreDbSummary r)
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine($"restored {r.Backup} ({r.Flavour}{(r.Gzipped ? ", gzip" : "")}): {r.Databases.Count} databases, {r.Tables} tables, {r.Rows} rows, {r.UncompressedBytes / 1048576.0:0.0} MiB of SQL from {r.CompressedBytes / 1048576.0:0.0} MiB");
        text.AppendLine($"seconds: schema {r.Seconds.Schema:0.00}, data {r.Seconds.Data:0.00}, indexes and constraints {r.Seconds.IndexesAndConstraints:0.00}, total {r.TotalSeconds:0.00}");
        foreach (var d in r.Databases)
        {
            text.AppendLine($"  database {d.Name}: {d.Tables.Count} tables, {d.Tables.Sum(t => t.LoadedRows)} rows");
            foreach (var t in d.Tables) text.AppendLine($"    {t.Name}: {t.LoadedRows} rows (dump carried {t.ExpectedRows})");
        }
        foreach (var m in r.Masked ?? []) text.AppendLine($"  masked {m.Values} values of {m.Database}.{m.Table}.{m.Column} with {m.Transformer}{(m.Verified ? "; none of the source's values is left in it" : "")}");
        text.Append(r.Verified ? "verified: every database exists and every table holds the rows its dump carried" : "NOT verified");
        return text.ToString();
    }
}
