using System.Diagnostics;
using System.IO.Compression;
using Npgsql;
using Replica.Postgres.Instances;
using Replica.Postgres.Tests.Instances;

namespace Replica.Postgres.Tests.Restore;

/// <summary>
/// Built once per test run: a source server with <see cref="SourceContent"/>, its fingerprints, and
/// every flavour of dump of it (cluster, database, custom; plain and gzip), made by the real pg_dump tools.
/// </summary>
public sealed class SourceDumps : IAsyncLifetime
{
    public const string Bin = "/usr/lib/postgresql/15/bin";
    private readonly TempFolder _tmp = new();
    private PostgresInstance? _source;

    public string Password { get; } = "src-" + Guid.NewGuid().ToString("N");
    public string ClusterFingerprint { get; private set; } = "";
    public string ShopFingerprint { get; private set; } = "";
    public string Folder => _tmp.Path;

    /// <summary>Path of a dump: kind is "cluster", "database" or "custom".</summary>
    public string Dump(string kind, bool gzip) => _tmp.Sub($"{kind}.dump{(gzip ? ".gz" : "")}");

    public async Task InitializeAsync()
    {
        var o = new PostgresInstanceOptions(_tmp.Sub("source"), PostgresInstance.FindFreePort(), "postgres", Password);
        _source = await PostgresInstance.CreateAsync(o, CancellationToken.None);
        // One statement a command: CREATE DATABASE refuses to run inside a pipeline.
        foreach (var line in SourceContent.Cluster.Split('\n', StringSplitOptions.RemoveEmptyEntries)) await ExecuteAsync("postgres", line);
        await ExecuteAsync("shop", SourceContent.Shop);
        await using (var c = new NpgsqlConnection(_source!.ConnectionString("shop")))
        {
            await c.OpenAsync();
            await using var batch = new NpgsqlBatch(c) { BatchCommands = { new NpgsqlBatchCommand(SourceContent.AtomicFunction) } };
            await batch.ExecuteNonQueryAsync();
        }
        await ExecuteAsync("second", SourceContent.Second);
        ClusterFingerprint = await Fingerprint.OfClusterAsync(_source, "postgres", "shop", "second");
        ShopFingerprint = await Fingerprint.OfDatabaseAsync(_source, "shop");

        var common = new[] { "-h", "127.0.0.1", "-p", o.Port.ToString(), "-U", "postgres" };
        await DumpAsync("pg_dumpall", [.. common, "-f", Dump("cluster", false)]);
        await DumpAsync("pg_dump", [.. common, "-d", "shop", "-f", Dump("database", false)]);
        await DumpAsync("pg_dump", [.. common, "-d", "shop", "-Fc", "-f", Dump("custom", false)]);
        foreach (var kind in new[] { "cluster", "database", "custom" })
        {
            await using var input = File.OpenRead(Dump(kind, false));
            await using var output = new GZipStream(File.Create(Dump(kind, true)), CompressionLevel.Fastest);
            await input.CopyToAsync(output);
        }
    }

    private async Task ExecuteAsync(string database, string sql)
    {
        await using var c = new NpgsqlConnection(_source!.ConnectionString(database));
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }

    private async Task DumpAsync(string tool, string[] args)
    {
        var psi = new ProcessStartInfo(Path.Combine(Bin, tool)) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["PGPASSWORD"] = Password;
        using var p = Process.Start(psi)!;
        var err = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{tool} failed: {err}");
    }

    public async Task DisposeAsync()
    {
        if (_source is not null) await _source.StopAsync(CancellationToken.None);
        _tmp.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class SourceDumpsCollection : ICollectionFixture<SourceDumps>
{
    public const string Name = "source dumps";
}

/// <summary>A fresh, empty target server for one test, stopped and removed afterwards.</summary>
public sealed class TargetInstance : IAsyncDisposable
{
    private readonly TempFolder _tmp = new();
    public PostgresInstance Instance { get; private set; } = null!;
    public string Password { get; } = "target-" + Guid.NewGuid().ToString("N");

    public static async Task<TargetInstance> CreateAsync()
    {
        var t = new TargetInstance();
        t.Instance = await PostgresInstance.CreateAsync(
            new PostgresInstanceOptions(t._tmp.Sub("data"), PostgresInstance.FindFreePort(), "postgres", t.Password), CancellationToken.None);
        return t;
    }

    public Replica.Postgres.Restore.RestoreOptions Restore(string backup) =>
        new(backup, "127.0.0.1", Instance.Port, "postgres", Password);

    public async Task ExecuteAsync(string database, string sql)
    {
        await using var c = new NpgsqlConnection(Instance.ConnectionString(database));
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Instance.StopAsync(CancellationToken.None);
        _tmp.Dispose();
    }
}
