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
    public const string Bin = DumpedSource.Bin;
    private DumpedSource? _source;

    public string Password => _source!.Password;
    public string ClusterFingerprint { get; private set; } = "";
    public string ShopFingerprint { get; private set; } = "";
    public string Folder => _source!.Folder;

    /// <summary>Path of a dump: kind is "cluster", "database" or "custom".</summary>
    public string Dump(string kind, bool gzip) => _source!.Dump(kind, gzip);

    public async Task InitializeAsync()
    {
        _source = await DumpedSource.StartAsync();
        // One statement a command: CREATE DATABASE refuses to run inside a pipeline.
        foreach (var line in SourceContent.Cluster.Split('\n', StringSplitOptions.RemoveEmptyEntries)) await _source.ExecuteAsync("postgres", line);
        await _source.ExecuteAsync("shop", SourceContent.Shop);
        await using (var c = new NpgsqlConnection(_source.Server.ConnectionString("shop")))
        {
            await c.OpenAsync();
            await using var batch = new NpgsqlBatch(c) { BatchCommands = { new NpgsqlBatchCommand(SourceContent.AtomicFunction) } };
            await batch.ExecuteNonQueryAsync();
        }
        await _source.ExecuteAsync("second", SourceContent.Second);
        ClusterFingerprint = await Fingerprint.OfClusterAsync(_source.Server, "postgres", "shop", "second");
        ShopFingerprint = await Fingerprint.OfDatabaseAsync(_source.Server, "shop");
        await _source.WriteDumpsAsync("shop");
    }

    public async Task DisposeAsync()
    {
        if (_source is not null) await _source.DisposeAsync();
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

    public Task ExecuteAsync(string database, string sql) => Sql.ExecuteAsync(Instance, database, sql);

    public async ValueTask DisposeAsync()
    {
        await Instance.StopAsync(CancellationToken.None);
        _tmp.Dispose();
    }
}
