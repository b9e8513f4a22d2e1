using System.Diagnostics;
using Npgsql;
using Replica.Postgres.Dumps;
using Replica.Postgres.Restore.Input;

namespace Replica.Postgres.Restore;

/// <summary>
/// Restores a backup file (cluster dump, database dump or custom-format dump; gzipped or not) into a
/// running PostgreSQL server, streaming it, loading in parallel, and verifying the result.
/// </summary>
public sealed class RestoreEngine
{
    public async Task<RestoreReport> RunAsync(RestoreOptions o, IProgress<RestoreProgress>? progress, Action<string>? log, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        if (!File.Exists(o.BackupPath))
            throw new RestoreException($"The backup file {o.BackupPath} does not exist; choose an existing backup.");
        using var source = DumpSource.Open(o.BackupPath, o.BinDirectory);
        await using var server = new TargetServer(o);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        log?.Invoke($"restoring {o.BackupPath} ({source.Info.Flavour.ToWire()}{(source.Info.Gzipped ? ", gzip" : "")}) into {o.Host}:{o.Port} with {o.Jobs} connections");

        string first;
        if (source.Info.Flavour == DumpFlavour.ClusterDump) first = "postgres";
        else
        {
            first = o.Database ?? throw new RestoreException($"The backup {o.BackupPath} holds a single database ({source.Info.Flavour.ToWire()}); name the database to restore it into with --database.");
            await EnsureDatabaseAsync(server, first, o.Owner ?? o.User, log, cts.Token).ConfigureAwait(false);
        }

        using var readAhead = o.ReadPostDataAhead ? PostData.PostDataReadAhead.Start(o.BackupPath, o.BinDirectory, source.Info, first) : null;
        var masking = o.Masking is null ? null : new Masking.RestoreMasking(o.Masking, m => log?.Invoke(m));
        var context = new RestoreContext(o, server, source.Info.Flavour, () => source.CompressedBytesRead, source.CompressedBytesTotal, progress, log, cts) { ReadAhead = readAhead, Masking = masking };
        var plain = new PlainRestore(context, source, first);
        ISet<Masking.ColumnMask>? verified = null;
        try
        {
            await plain.RunAsync().ConfigureAwait(false);
            // Each table's masked columns were checked as soon as it was loaded; the last checks end here.
            if (masking is not null) verified = await masking.VerifiedAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new RestoreException($"The restore of {o.BackupPath} was interrupted.");
        }
        finally
        {
            cts.Cancel();
        }

        context.Report(RestorePhase.Verify, null);
        var report = await VerifyAsync(server, o, source, plain, clock, ct).ConfigureAwait(false);
        if (masking is not null)
        {
            foreach (var unused in masking.Unused())
                log?.Invoke($"masking: the profile {o.Masking!.Name} names {unused}, which this backup carries no rows for");
            report = report with { Masked = masking.Report(verified!), TotalSeconds = clock.Elapsed.TotalSeconds };
            log?.Invoke($"masked {report.Masked.Sum(m => m.Values)} values in {report.Masked.Count} columns; none of the source's values is in the target's masked columns");
        }
        log?.Invoke($"restored {report.Databases.Count} databases, {report.TableCount} tables, {report.LoadedRows} rows in {report.TotalSeconds:0.0} s");
        return report;
    }

    private static async Task EnsureDatabaseAsync(TargetServer server, string database, string owner, Action<string>? log, CancellationToken ct)
    {
        await using var c = await server.OpenAsync("postgres", ct).ConfigureAwait(false);
        if (await TargetServer.ScalarAsync(c, "SELECT 1 FROM pg_catalog.pg_database WHERE datname = $1", ct, database).ConfigureAwait(false) is not null)
            return;
        var q = new NpgsqlCommandBuilder();
        // A fresh instance has only its bootstrap superuser; the owner the caller names (the
        // application's role) is created, able to log in, so the application can connect. Other
        // roles the dump names are created NOLOGIN as their statements arrive (MissingRoles).
        if (await TargetServer.ScalarAsync(c, "SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1", ct, owner).ConfigureAwait(false) is null)
        {
            await TargetServer.ExecuteAsync(c, $"CREATE ROLE {q.QuoteIdentifier(owner)} LOGIN", ct).ConfigureAwait(false);
            log?.Invoke($"created role {owner} (the owner of {database}; it had no role on this server)");
        }
        await TargetServer.ExecuteAsync(c, $"CREATE DATABASE {q.QuoteIdentifier(database)} OWNER {q.QuoteIdentifier(owner)} TEMPLATE template0 ENCODING 'UTF8'", ct).ConfigureAwait(false);
        log?.Invoke($"created database {database} owned by {owner}");
    }

    /// <summary>Every database in the dump exists, and each table holds exactly the rows its COPY block carried.</summary>
    private static async Task<RestoreReport> VerifyAsync(TargetServer server, RestoreOptions o, DumpSource source, PlainRestore plain, Stopwatch clock, CancellationToken ct)
    {
        var names = plain.Finished.Select(d => d.Name).Concat(plain.DatabasesInDump).Distinct().ToList();
        var existing = new HashSet<string>();
        await using (var c = await server.OpenAsync("postgres", ct).ConfigureAwait(false))
        await using (var cmd = new NpgsqlCommand("SELECT datname FROM pg_catalog.pg_database", c))
        await using (var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
            while (await r.ReadAsync(ct).ConfigureAwait(false)) existing.Add(r.GetString(0));

        var databases = names.Select(n => new DatabaseReport(n, existing.Contains(n),
            plain.Finished.Where(d => d.Name == n).SelectMany(d => d.Tables)
                .GroupBy(t => t.Start.Table)
                .Select(g => new TableReport(g.Key, g.Sum(t => t.ExpectedRows), g.Sum(t => t.LoadedRows), g.Sum(t => t.Bytes)))
                .ToList())).ToList();

        if (databases.FirstOrDefault(d => !d.Exists) is { } missing)
            throw new RestoreException($"The database {missing.Name} named in {o.BackupPath} does not exist after the restore; the restore is incomplete.");
        foreach (var d in databases)
            if (d.Tables.FirstOrDefault(t => t.ExpectedRows != t.LoadedRows) is { } bad)
                throw new RestoreException($"Table {bad.Table} in database {d.Name} holds {bad.LoadedRows} rows after the restore but {o.BackupPath} carries {bad.ExpectedRows}; the restore is incomplete.");

        var seconds = new PhaseSeconds(
            plain.Finished.Sum(d => d.SchemaTime.TotalSeconds),
            plain.Finished.Sum(d => d.DataTime.TotalSeconds),
            plain.Finished.Sum(d => d.PostDataTime.TotalSeconds));
        return new RestoreReport(o.BackupPath, source.Info.Flavour, source.Info.Gzipped, databases,
            source.CompressedBytesTotal, plain.SqlBytes, seconds, clock.Elapsed.TotalSeconds);
    }
}
