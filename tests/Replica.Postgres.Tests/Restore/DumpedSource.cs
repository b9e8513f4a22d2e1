using System.Diagnostics;
using System.IO.Compression;
using Npgsql;
using Replica.Postgres.Instances;
using Replica.Postgres.Tests.Instances;

namespace Replica.Postgres.Tests.Restore;

/// <summary>
/// A source server a fixture fills with its content, and the dumps of one of its databases in every flavour
/// (cluster, database, custom; plain and gzip), made by the real pg_dump tools. Shared by the fixtures that
/// differ only in what the source holds.
/// </summary>
public sealed class DumpedSource : IAsyncDisposable
{
    public const string Bin = "/usr/lib/postgresql/15/bin";
    private readonly TempFolder _tmp;

    private DumpedSource(PostgresInstance server, string password, TempFolder folder) => (Server, Password, _tmp) = (server, password, folder);

    public PostgresInstance Server { get; }
    public string Password { get; }
    public string Folder => _tmp.Path;

    /// <summary>Path of a dump: kind is "cluster", "database" or "custom".</summary>
    public string Dump(string kind, bool gzip) => _tmp.Sub($"{kind}.dump{(gzip ? ".gz" : "")}");

    public static async Task<DumpedSource> StartAsync()
    {
        var password = "src-" + Guid.NewGuid().ToString("N");
        var folder = new TempFolder();
        var server = await PostgresInstance.CreateAsync(
            new PostgresInstanceOptions(folder.Sub("source"), PostgresInstance.FindFreePort(), "postgres", password), CancellationToken.None);
        return new DumpedSource(server, password, folder);
    }

    public Task ExecuteAsync(string database, string sql) => Sql.ExecuteAsync(Server, database, sql);

    /// <summary>pg_dumpall of the cluster, pg_dump of <paramref name="database"/> as SQL and custom format, each also gzipped.</summary>
    public async Task WriteDumpsAsync(string database)
    {
        var common = new[] { "-h", "127.0.0.1", "-p", Server.Port.ToString(), "-U", "postgres" };
        await RunAsync("pg_dumpall", [.. common, "-f", Dump("cluster", false)]);
        await RunAsync("pg_dump", [.. common, "-d", database, "-f", Dump("database", false)]);
        await RunAsync("pg_dump", [.. common, "-d", database, "-Fc", "-f", Dump("custom", false)]);
        foreach (var kind in new[] { "cluster", "database", "custom" })
        {
            await using var input = File.OpenRead(Dump(kind, false));
            await using var output = new GZipStream(File.Create(Dump(kind, true)), CompressionLevel.Fastest);
            await input.CopyToAsync(output);
        }
    }

    private async Task RunAsync(string tool, string[] args)
    {
        var psi = new ProcessStartInfo(Path.Combine(Bin, tool)) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["PGPASSWORD"] = Password;
        using var p = Process.Start(psi)!;
        var err = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{tool} failed: {err}");
    }

    public async ValueTask DisposeAsync()
    {
        await Server.StopAsync(CancellationToken.None);
        _tmp.Dispose();
    }
}

/// <summary>One SQL text run on a server's database (a test's set-up; no results).</summary>
public static class Sql
{
    public static async Task ExecuteAsync(PostgresInstance server, string database, string sql)
    {
        await using var c = new NpgsqlConnection(server.ConnectionString(database));
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }
}
