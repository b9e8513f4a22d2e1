using Replica.Postgres.Dumps;
using Replica.Postgres.Restore;

namespace Replica.Postgres.Tests.Restore;

/// <summary>Every flavour, compressed or not, restores into a fresh server with the source's fingerprint.</summary>
[Collection(SourceDumpsCollection.Name)]
public sealed class RestoreFlavourTests(SourceDumps source)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Cluster_dump_restores_every_role_and_database_into_a_fresh_instance(bool gzip)
    {
        await using var target = await TargetInstance.CreateAsync();
        var pg = target.Instance;
        var log = new List<string>();
        var progress = new List<RestoreProgress>();
        await pg.UseBulkLoadSettingsAsync(CancellationToken.None);
        var report = await new RestoreEngine().RunAsync(target.Restore(source.Dump("cluster", gzip)) with { Jobs = 3, ReadPostDataAhead = true },
            new SyncProgress(progress), log.Add, CancellationToken.None);
        await pg.UseDurableSettingsAsync(CancellationToken.None);

        Assert.Equal(DumpFlavour.ClusterDump, report.Flavour);
        Assert.Equal(gzip, report.Gzipped);
        Assert.True(report.Verified);
        Assert.Equal(["postgres", "second", "shop", "template1"], report.Databases.Select(d => d.Name).Order());
        var orders = report.Databases.Single(d => d.Name == "shop").Tables.Single(t => t.Table == "sales.orders");
        Assert.Equal(20000, orders.ExpectedRows);
        Assert.Equal(20000, orders.LoadedRows);
        // The fingerprint also proves the connecting role kept its password: it logs in with it.
        Assert.Equal(source.ClusterFingerprint, await Fingerprint.OfClusterAsync(pg, "postgres", "shop", "second"));
        Assert.Contains(log, l => l.Contains("role postgres already exists"));
        Assert.Equal("on", await Fingerprint.ScalarAsync(pg, "postgres", "SHOW fsync"));
        Assert.Equal("on", await Fingerprint.ScalarAsync(pg, "postgres", "SHOW full_page_writes"));
        Assert.Contains(progress, p => p.Phase == RestorePhase.Data && p.Table == "sales.orders");
        Assert.Equal(new FileInfo(source.Dump("cluster", gzip)).Length, progress[^1].CompressedBytesTotal);
        Assert.Equal(progress[^1].CompressedBytesTotal, progress[^1].CompressedBytesRead);
    }

    [Theory]
    [InlineData("database", false)]
    [InlineData("database", true)]
    [InlineData("custom", false)]
    [InlineData("custom", true)]
    public async Task Single_database_dump_restores_into_a_new_database_with_its_owner(string kind, bool gzip)
    {
        await using var target = await TargetInstance.CreateAsync();
        await target.ExecuteAsync("postgres", "CREATE ROLE app LOGIN CREATEDB PASSWORD 'app-pw'; CREATE ROLE reader LOGIN; CREATE ROLE analysts NOLOGIN;");
        var report = await new RestoreEngine().RunAsync(target.Restore(source.Dump(kind, gzip)) with { Database = "shop_copy", Owner = "app", ReadPostDataAhead = kind == "custom" ? !gzip : gzip },
            null, null, CancellationToken.None);

        Assert.Equal(kind == "custom" ? DumpFlavour.CustomDump : DumpFlavour.DatabaseDump, report.Flavour);
        Assert.True(report.Verified);
        Assert.Equal("shop_copy", Assert.Single(report.Databases).Name);
        Assert.Equal("app", await Fingerprint.ScalarAsync(target.Instance, "postgres", "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'shop_copy'"));
        Assert.Equal(source.ShopFingerprint, await Fingerprint.OfDatabaseAsync(target.Instance, "shop_copy"));
    }

    [Theory]
    [InlineData(1L)]          // less than one chunk: the reader waits for every chunk to be loaded before the next
    [InlineData(null)]        // the default: a quarter of memory
    public async Task Any_read_ahead_budget_restores_the_same_database(long? budget)
    {
        await using var target = await TargetInstance.CreateAsync();
        await target.ExecuteAsync("postgres", "CREATE ROLE app LOGIN; CREATE ROLE reader LOGIN; CREATE ROLE analysts NOLOGIN;");
        var report = await new RestoreEngine().RunAsync(target.Restore(source.Dump("database", true)) with { Database = "shop_copy", Owner = "app", ReadAheadBytes = budget },
            null, null, CancellationToken.None);
        Assert.True(report.Verified);
        Assert.Equal(source.ShopFingerprint, await Fingerprint.OfDatabaseAsync(target.Instance, "shop_copy"));
    }

    [Fact]
    public async Task Single_database_dump_creates_the_roles_the_server_lacks()
    {
        await using var target = await TargetInstance.CreateAsync();
        var log = new List<string>();
        var report = await new RestoreEngine().RunAsync(
            target.Restore(source.Dump("database", false)) with { Database = "shop_copy" }, null, log.Add, CancellationToken.None);
        Assert.True(report.Verified);
        // app owns the objects, reader and analysts are granted to: none exists on a fresh server.
        Assert.Equal("analysts,app,reader", await Fingerprint.ScalarAsync(target.Instance, "postgres",
            "SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles WHERE rolname IN ('app', 'reader', 'analysts') AND NOT rolcanlogin"));
        Assert.Equal(source.ShopFingerprint, await Fingerprint.OfDatabaseAsync(target.Instance, "shop_copy"));
        Assert.Contains(log, l => l.StartsWith("created role", StringComparison.Ordinal) && l.Contains("app"));
    }

    [Fact]
    public async Task Single_database_dump_without_a_database_name_is_refused()
    {
        await using var target = await TargetInstance.CreateAsync();
        var e = await Assert.ThrowsAsync<RestoreException>(() => new RestoreEngine().RunAsync(
            target.Restore(source.Dump("custom", true)), null, null, CancellationToken.None));
        Assert.Contains("--database", e.Message);
    }

    private sealed class SyncProgress(List<RestoreProgress> events) : IProgress<RestoreProgress>
    {
        public void Report(RestoreProgress value) { lock (events) events.Add(value); }
    }
}
