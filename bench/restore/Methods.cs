using System.Diagnostics;
using Npgsql;
using Replica.Postgres.Instances;
using Replica.Postgres.Restore;

/// <summary>A way to restore the backup, timed from a fresh running instance to a verified (and, for tuned instances, durable) result.</summary>
internal sealed record Method(string Name, bool NeedsRoles, Func<PostgresInstance, BenchOptions, BackupSet, Task> Restore)
{
    /// <summary>The instance is created with bulk-load settings on, as the local platform creates it for a restore.</summary>
    public bool BulkInstance { get; init; }

    public async Task<double> RunAsync(BenchOptions o, BackupSet b)
    {
        var dir = Path.Combine(o.Work, "instance");
        if (Directory.Exists(dir)) Directory.Delete(dir, true);
        Directory.CreateDirectory(o.Work);
        var pg = await PostgresInstance.CreateAsync(new PostgresInstanceOptions(dir, PostgresInstance.FindFreePort(), "postgres", Methods.Password) { BinDirectory = o.Bin, CreateForBulkLoad = BulkInstance }, CancellationToken.None);
        try
        {
            if (NeedsRoles)
                await Methods.SqlAsync(pg, "postgres", "CREATE ROLE admin SUPERUSER LOGIN; CREATE ROLE fragalysis LOGIN CREATEDB; CREATE ROLE reader LOGIN;");
            if (Name == Methods.Floor) { var f = Stopwatch.StartNew(); await Restore(pg, o, b); return f.Elapsed.TotalSeconds; }
            var clock = Stopwatch.StartNew();
            await Restore(pg, o, b);
            var seconds = clock.Elapsed.TotalSeconds;
            await Methods.CheckRowsAsync(pg, b, Name);
            return seconds;
        }
        finally
        {
            await pg.StopAsync(CancellationToken.None);
            Directory.Delete(dir, true);
        }
    }
}

internal static class Methods
{
    public const string Password = "bench-password-not-secret";
    public const string Original = "original: gunzip -c > dump.sql; psql -f dump.sql template1 (role error tolerated)";
    public const string Floor = "floor: gunzip -c > /dev/null";

    public static IEnumerable<Method> All(BenchOptions o, BackupSet b) =>
    [
        new(Original, false, OriginalAsync),
        new("streaming: gunzip -c | psql template1", false, async (pg, o, b) =>
            await ShellAsync(pg, o, $"gunzip -c '{b.Cluster}' | psql -X -q template1 > /dev/null")),
        new($"pg_restore -j{o.Jobs} -d frag (custom dump)", true, async (pg, o, b) =>
            await ShellAsync(pg, o, $"pg_restore -j{o.Jobs} --exit-on-error -C -d postgres '{b.Custom}'")),
        new($"pg_restore -j{o.Jobs} into a bulk-load instance, durable hand-over included", true, async (pg, o, b) =>
        {
            await pg.UseBulkLoadSettingsAsync(CancellationToken.None);
            await ShellAsync(pg, o, $"pg_restore -j{o.Jobs} --exit-on-error -C -d postgres '{b.Custom}'");
            await pg.UseDurableSettingsAsync(CancellationToken.None);
        }) { BulkInstance = true },
        new($"replica restore, cluster .sql.gz, default instance, --jobs {o.Jobs}", false, async (pg, o, b) =>
            await EngineAsync(pg, o, b.Cluster, null)),
        new($"replica restore, cluster .sql.gz, bulk-load instance + durable hand-over, --jobs {o.Jobs}", false, async (pg, o, b) =>
            await TunedEngineAsync(pg, o, b.Cluster, null)) { BulkInstance = true },
        new($"kubernetes path: replica worker restore-db process (the restore Job's command) into a bulk-load server, pod-style hand-over, --jobs {o.Jobs}", false, async (pg, o, b) =>
            await WorkerAsync(pg, o, b.Cluster)) { BulkInstance = true },
        new($"replica restore, custom dump, bulk-load instance + durable hand-over, --jobs {o.Jobs}", true, async (pg, o, b) =>
            await TunedEngineAsync(pg, o, b.Custom, "frag")) { BulkInstance = true },
        new($"replica restore, cluster .sql.gz, bulk-load instance + durable hand-over, text COPY only, --jobs {o.Jobs}", false, async (pg, o, b) =>
            await TunedEngineAsync(pg, o, b.Cluster, null, binary: false)) { BulkInstance = true },
        new($"replica restore, cluster .sql.gz, bulk-load instance + durable hand-over, post-data read ahead, --jobs {o.Jobs}", false, async (pg, o, b) =>
            await TunedEngineAsync(pg, o, b.Cluster, null, readAhead: true)) { BulkInstance = true },
        new($"replica restore + masking every text column of {MaskingMethods.Table} in the stream, cluster .sql.gz, bulk-load instance + durable hand-over, --jobs {o.Jobs}", false, async (pg, o, b) =>
            await TunedEngineAsync(pg, o, b.Cluster, null, masking: MaskingMethods.Profile())) { BulkInstance = true },
        new($"replica restore, then UPDATE every text column of {MaskingMethods.Table} in SQL, cluster .sql.gz, bulk-load instance + durable hand-over, --jobs {o.Jobs}", false, async (pg, o, b) =>
            await TunedEngineAsync(pg, o, b.Cluster, null, after: MaskingMethods.UpdateAsync)) { BulkInstance = true },
        new($"replica restore + masking pgbench_accounts.filler (5 million values) in the stream, cluster .sql.gz, bulk-load instance + durable hand-over, --jobs {o.Jobs}", false, async (pg, o, b) =>
            await TunedEngineAsync(pg, o, b.Cluster, null, masking: MaskingMethods.FillerProfile())) { BulkInstance = true },
        new($"replica restore, then UPDATE pgbench_accounts.filler (5 million values) in SQL, cluster .sql.gz, bulk-load instance + durable hand-over, --jobs {o.Jobs}", false, async (pg, o, b) =>
            await TunedEngineAsync(pg, o, b.Cluster, null, after: MaskingMethods.UpdateFillerAsync)) { BulkInstance = true },
        new($"original, then UPDATE every text column of {MaskingMethods.Table} in SQL", false, async (pg, o, b) =>
        {
            await OriginalAsync(pg, o, b);
            var clock = Stopwatch.StartNew();
            await MaskingMethods.UpdateAsync(pg);
            Console.Error.WriteLine($"bench:   UPDATE {clock.Elapsed.TotalSeconds:0.00} s");
        }),
        new(Floor, false, async (pg, o, b) => await ShellAsync(pg, o, $"gunzip -c '{b.Cluster}' > /dev/null")),
    ];

    public static bool InFillerComparison(string name) =>
        name.Contains("pgbench_accounts.filler", StringComparison.Ordinal) ||
        name.StartsWith("replica restore, cluster .sql.gz, bulk-load instance + durable hand-over, --jobs", StringComparison.Ordinal);

    public static bool InKubernetesComparison(string name) =>
        name == Original || name.StartsWith("kubernetes path", StringComparison.Ordinal) ||
        name.StartsWith("replica restore, cluster .sql.gz, bulk-load instance + durable hand-over, --jobs", StringComparison.Ordinal);

    public static bool InMaskingComparison(string name) =>
        name == Original || name.Contains(MaskingMethods.Table, StringComparison.Ordinal) ||
        name.StartsWith("replica restore, cluster .sql.gz, bulk-load instance + durable hand-over, --jobs", StringComparison.Ordinal);

    /// <summary>The original method: the dump written out, then replayed by psql (the bootstrap role's error tolerated).</summary>
    private static async Task OriginalAsync(PostgresInstance pg, BenchOptions o, BackupSet b)
    {
        var sql = Path.Combine(o.Work, "dump.sql");
        try
        {
            await ShellAsync(pg, o, $"gunzip -c '{b.Cluster}' > '{sql}'");
            var errors = await ShellAsync(pg, o, $"psql -X -q -f '{sql}' template1 > /dev/null");
            if (errors.Split('\n').Count(l => l.Contains("ERROR:")) != 1 || !errors.Contains("role \"postgres\" already exists"))
                throw new InvalidOperationException($"the original method failed differently than expected: {errors}");
        }
        finally { File.Delete(sql); }
    }

    /// <summary>The original command as the recovery job runs it, on a fresh instance: it stops at the bootstrap role.</summary>
    public static async Task<string> OriginalAsWrittenAsync(BenchOptions o, BackupSet b)
    {
        var dir = Path.Combine(o.Work, "instance");
        if (Directory.Exists(dir)) Directory.Delete(dir, true);
        var pg = await PostgresInstance.CreateAsync(new PostgresInstanceOptions(dir, PostgresInstance.FindFreePort(), "postgres", Password) { BinDirectory = o.Bin }, CancellationToken.None);
        try
        {
            // Without pipefail: psql's exit code, not gunzip's broken pipe once psql has stopped.
            var (exit, err) = await RunShellAsync(pg, o, $"gunzip -c '{b.Cluster}' | psql -X -q -v ON_ERROR_STOP=1 template1 > /dev/null", pipefail: false);
            var line = err.Split('\n').FirstOrDefault(l => l.Contains("ERROR:"))?.Trim() ?? "no error";
            return exit == 0 ? "succeeded" : $"fails, exit {exit}: {line}";
        }
        finally
        {
            await pg.StopAsync(CancellationToken.None);
            Directory.Delete(dir, true);
        }
    }

    /// <summary>What the local platform does: bulk-load settings, the engine, then durable settings; each part's time goes to stderr.</summary>
    /// <param name="masking">a profile the engine applies in the stream.</param>
    /// <param name="after">what runs after the restore and before the durable hand-over (the UPDATE of the usual masking).</param>
    private static async Task TunedEngineAsync(PostgresInstance pg, BenchOptions o, string backup, string? database, bool binary = true, bool? readAhead = null,
        Replica.Postgres.Restore.Masking.MaskingProfile? masking = null, Func<PostgresInstance, Task>? after = null)
    {
        var clock = Stopwatch.StartNew();
        await pg.UseBulkLoadSettingsAsync(CancellationToken.None);
        var tuned = clock.Elapsed.TotalSeconds;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var report = await EngineAsync(pg, o, backup, database, binary, readAhead, masking);
        var restored = clock.Elapsed.TotalSeconds;
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        if (after is not null) await after(pg);
        var updated = clock.Elapsed.TotalSeconds;
        await pg.UseDurableSettingsAsync(CancellationToken.None);
        var masked = report.Masked.Count == 0 ? "" : $", masked {report.Masked.Sum(m => m.Values)} values in {report.Masked.Count} columns (verified)";
        var update = after is null ? "" : $", UPDATE {updated - restored:0.00} s";
        Console.Error.WriteLine($"bench:   bulk-load settings {tuned:0.00} s, engine {restored - tuned:0.00} s, {cpu.TotalSeconds:0.00} s of CPU (schema {report.Seconds.Schema:0.00}, data {report.Seconds.Data:0.00}, indexes and constraints {report.Seconds.IndexesAndConstraints:0.00}){masked}{update}, durable hand-over {clock.Elapsed.TotalSeconds - updated:0.00} s");
    }

    private static async Task<RestoreReport> EngineAsync(PostgresInstance pg, BenchOptions o, string backup, string? database, bool binary = true, bool? readAhead = null,
        Replica.Postgres.Restore.Masking.MaskingProfile? masking = null)
    {
        var options = new RestoreOptions(backup, "127.0.0.1", pg.Port, "postgres", Password)
            { Database = database, Owner = database is null ? null : "fragalysis", Jobs = o.Jobs, BinDirectory = o.Bin, BinaryCopy = binary, Masking = masking };
        if (readAhead is { } ahead) options = options with { ReadPostDataAhead = ahead };
        var report = await new RestoreEngine().RunAsync(options, null, null, CancellationToken.None);
        if (!report.Verified) throw new InvalidOperationException("the engine's own verification failed");
        return report;
    }

    /// <summary>
    /// What the Kubernetes platform does: the database pod's server runs with the bulk-load settings on its
    /// command line (the instance here is created the same way) and its `flush-while-loading` container runs
    /// `replica worker flush-data` on the data volume (both from the pod's start, untimed), the restore Job runs `replica worker restore-db` as its
    /// own process over TCP, then the hand-over stops the flushing container (SIGTERM, as the pod's replacement
    /// sends it), restarts the server with the durable settings after a syncfs of its data (the new pod's init
    /// container) and takes a CHECKPOINT.
    /// </summary>
    private static async Task WorkerAsync(PostgresInstance pg, BenchOptions o, string backup)
    {
        // The pod's flushing container starts with the pod, before the restore Job: started (and running) untimed here too.
        var children = ChildrenCpuSeconds();
        var flush = Process.Start(new ProcessStartInfo(ReplicaExecutable(), ["worker", "flush-data", "--path", pg.DataDirectory, "--json"])
            { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true })!;
        var flushOut = flush.StandardOutput.ReadToEndAsync();
        var started = await flush.StandardError.ReadLineAsync();
        if (started?.Contains("flushing the file system of", StringComparison.Ordinal) != true)
            throw new InvalidOperationException($"replica worker flush-data did not start: {started}");
        var flushErr = flush.StandardError.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        var psi = new ProcessStartInfo(ReplicaExecutable(),
            ["worker", "restore-db", "--backup", backup, "--host", "127.0.0.1", "--port", pg.Port.ToString(), "--user", "postgres", "--jobs", o.Jobs.ToString(), "--json"])
            { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["PGPASSWORD"] = Password;
        psi.Environment["PATH"] = o.Bin + ":" + psi.Environment["PATH"];
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"replica worker restore-db failed ({p.ExitCode}): {await stderr}");
        using var summary = System.Text.Json.JsonDocument.Parse(await stdout);
        if (!summary.RootElement.EnumerateObject().Any(p => p.NameEquals("verified") && p.Value.ValueKind == System.Text.Json.JsonValueKind.True))
            throw new InvalidOperationException($"replica worker restore-db printed no verified summary: {await stdout}");
        var restored = clock.Elapsed.TotalSeconds;
        if (kill(flush.Id, SigTerm) != 0) throw new InvalidOperationException("cannot send SIGTERM to replica worker flush-data");
        await flush.WaitForExitAsync();
        if (flush.ExitCode != 0) throw new InvalidOperationException($"replica worker flush-data failed ({flush.ExitCode}): {await flushErr}");
        using (var flushed = System.Text.Json.JsonDocument.Parse(await flushOut))
            if (flushed.RootElement.GetProperty("failures").GetInt32() > 0) throw new InvalidOperationException($"replica worker flush-data failed to flush: {await flushOut}");
        await pg.UseDurableSettingsAsync(CancellationToken.None);
        var engine = summary.RootElement.GetProperty("total_seconds").GetDouble();
        var workersCpu = ChildrenCpuSeconds() - children;
        var phases = summary.RootElement.GetProperty("seconds");
        Console.Error.WriteLine($"bench:   worker process {restored:0.00} s, with flush-data {workersCpu:0.00} s of CPU (engine {engine:0.00} s: schema {phases.GetProperty("schema").GetDouble():0.00}, data {phases.GetProperty("data").GetDouble():0.00}, indexes and constraints {phases.GetProperty("indexes_and_constraints").GetDouble():0.00}), pod-style hand-over {clock.Elapsed.TotalSeconds - restored:0.00} s");
    }

    /// <summary>User and system CPU of the waited-for child processes so far (getrusage RUSAGE_CHILDREN).</summary>
    private static double ChildrenCpuSeconds()
    {
        var usage = new long[18];
        if (getrusage(-1, usage) != 0) throw new InvalidOperationException("getrusage failed");
        return usage[0] + usage[1] / 1e6 + usage[2] + usage[3] / 1e6;
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)] private static extern int getrusage(int who, long[] usage);

    private const int SigTerm = 15;
    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)] private static extern int kill(int pid, int signal);

    /// <summary>The published executable that ./replica builds (the image ships the same self-contained publish).</summary>
    private static string ReplicaExecutable()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "replica"))) dir = dir.Parent;
        if (dir is null) throw new InvalidOperationException("cannot find the repository's ./replica from the bench's folder");
        var exe = Path.Combine(dir.FullName, ".build", "replica", "replica");
        if (!File.Exists(exe))
        {
            using var build = Process.Start(new ProcessStartInfo(Path.Combine(dir.FullName, "replica"), ["--help"]) { UseShellExecute = false })!;
            build.WaitForExit();
        }
        return File.Exists(exe) ? exe : throw new InvalidOperationException($"{exe} is missing; run ./replica once to build it");
    }

    /// <summary>Runs a shell pipeline against the instance (password through PGPASSWORD); returns its stderr.</summary>
    private static async Task<string> ShellAsync(PostgresInstance pg, BenchOptions o, string command)
    {
        var (exit, err) = await RunShellAsync(pg, o, command, pipefail: true);
        if (exit != 0) throw new InvalidOperationException($"'{command}' failed ({exit}): {err}");
        return err;
    }

    private static async Task<(int Exit, string Stderr)> RunShellAsync(PostgresInstance pg, BenchOptions o, string command, bool pipefail)
    {
        var psi = new ProcessStartInfo("bash", pipefail ? ["-o", "pipefail", "-c", command] : ["-c", command]) { UseShellExecute = false, RedirectStandardError = true };
        psi.Environment["PATH"] = o.Bin + ":" + psi.Environment["PATH"];
        psi.Environment["PGHOST"] = "127.0.0.1";
        psi.Environment["PGPORT"] = pg.Port.ToString();
        psi.Environment["PGUSER"] = "postgres";
        psi.Environment["PGPASSWORD"] = Password;
        using var p = Process.Start(psi)!;
        var err = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, err);
    }

    public static async Task SqlAsync(PostgresInstance pg, string db, string sql)
    {
        await using var c = new NpgsqlConnection(pg.ConnectionString(db));
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c) { CommandTimeout = 0 }; // an UPDATE of millions of rows may take minutes
        await cmd.ExecuteNonQueryAsync();
    }

    public static async Task CheckRowsAsync(PostgresInstance pg, BackupSet b, string method)
    {
        await using var c = new NpgsqlConnection(pg.ConnectionString("frag"));
        await c.OpenAsync();
        foreach (var (table, expected) in b.Rows)
        {
            await using var cmd = new NpgsqlCommand($"SELECT count(*) FROM public.{table}", c);
            var n = (long)(await cmd.ExecuteScalarAsync())!;
            if (n != expected) throw new InvalidOperationException($"{method}: {table} has {n} rows, the source had {expected}");
        }
    }
}
