using System.Diagnostics;
using System.IO.Compression;
using Npgsql;
using Replica.Postgres.Instances;
using Replica.Postgres.Restore;
using Replica.Postgres.Tests.Instances;

namespace Replica.Postgres.Tests.Restore;

/// <summary>
/// A production database whose objects are owned by and granted to roles a fresh instance lacks
/// (analyst, readonly_app, a quoted "Data Team", the owner app_owner), dumped by the real pg_dump in
/// every single-database flavour. Built once for the class.
/// </summary>
public sealed class GrantedRolesSource : IAsyncLifetime
{
    private readonly TempFolder _tmp = new();
    private PostgresInstance? _source;

    public string Fingerprint { get; private set; } = "";
    public string Policies { get; private set; } = "";

    public string Dump(string kind, bool gzip) => _tmp.Sub($"{kind}.dump{(gzip ? ".gz" : "")}");

    public const string PolicyQuery = "SELECT schemaname, tablename, policyname, roles::text, cmd, qual FROM pg_policies ORDER BY 1, 2, 3";

    public async Task InitializeAsync()
    {
        var password = "src-" + Guid.NewGuid().ToString("N");
        var o = new PostgresInstanceOptions(_tmp.Sub("source"), PostgresInstance.FindFreePort(), "postgres", password);
        _source = await PostgresInstance.CreateAsync(o, CancellationToken.None);
        foreach (var sql in new[]
        {
            "CREATE ROLE app_owner LOGIN PASSWORD 'owner-pw'",
            "CREATE ROLE analyst NOLOGIN",
            "CREATE ROLE readonly_app LOGIN PASSWORD 'ro-pw'",
            "CREATE ROLE \"Data Team\" NOLOGIN",
            "CREATE DATABASE crm OWNER app_owner",
        })
            await ExecuteAsync("postgres", sql);
        await ExecuteAsync("crm", """
            CREATE SCHEMA reporting AUTHORIZATION app_owner;
            CREATE TABLE reporting.accounts (id int PRIMARY KEY, name text, secret text);
            ALTER TABLE reporting.accounts OWNER TO app_owner;
            INSERT INTO reporting.accounts SELECT g, 'account ' || g, md5(g::text) FROM generate_series(1, 500) g;
            GRANT USAGE ON SCHEMA reporting TO analyst, readonly_app;
            GRANT SELECT ON reporting.accounts TO analyst;
            GRANT SELECT (id, name) ON reporting.accounts TO readonly_app;
            GRANT SELECT, INSERT ON reporting.accounts TO "Data Team" WITH GRANT OPTION;
            REVOKE ALL ON SCHEMA public FROM PUBLIC;
            ALTER DEFAULT PRIVILEGES FOR ROLE app_owner IN SCHEMA reporting GRANT SELECT ON TABLES TO analyst;
            ALTER TABLE reporting.accounts ENABLE ROW LEVEL SECURITY;
            CREATE POLICY visible ON reporting.accounts FOR SELECT TO readonly_app USING (id < 100);
            """);
        Fingerprint = await Restore.Fingerprint.OfDatabaseAsync(_source, "crm");
        Policies = await PoliciesAsync(_source, "crm");

        var common = new[] { "-h", "127.0.0.1", "-p", o.Port.ToString(), "-U", "postgres", "-d", "crm" };
        await DumpAsync(password, [.. common, "-f", Dump("database", false)]);
        await DumpAsync(password, [.. common, "-Fc", "-f", Dump("custom", false)]);
        foreach (var kind in new[] { "database", "custom" })
        {
            await using var input = File.OpenRead(Dump(kind, false));
            await using var output = new GZipStream(File.Create(Dump(kind, true)), CompressionLevel.Fastest);
            await input.CopyToAsync(output);
        }
    }

    public static async Task<string> PoliciesAsync(PostgresInstance pg, string database) =>
        string.Join('\n', await Restore.Fingerprint.RowsTextAsync(pg, database, PolicyQuery));

    private async Task ExecuteAsync(string database, string sql)
    {
        await using var c = new NpgsqlConnection(_source!.ConnectionString(database));
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task DumpAsync(string password, string[] args)
    {
        var psi = new ProcessStartInfo(Path.Combine(SourceDumps.Bin, "pg_dump")) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["PGPASSWORD"] = password;
        using var p = Process.Start(psi)!;
        var err = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"pg_dump failed: {err}");
    }

    public async Task DisposeAsync()
    {
        if (_source is not null) await _source.StopAsync(CancellationToken.None);
        _tmp.Dispose();
    }
}

/// <summary>A single-database dump restores even when it names roles the new instance lacks: they are created NOLOGIN.</summary>
public sealed class MissingRoleTests(GrantedRolesSource source) : IClassFixture<GrantedRolesSource>
{
    private static readonly string[] Needed = ["Data Team", "analyst", "app_owner", "readonly_app"];

    [Theory]
    [InlineData("database", false)]
    [InlineData("database", true)]
    [InlineData("custom", false)]
    [InlineData("custom", true)]
    public async Task Roles_the_dump_grants_to_are_created_nologin_and_the_grants_are_in_place(string kind, bool gzip)
    {
        await using var target = await TargetInstance.CreateAsync();
        var log = new List<string>();

        var report = await new RestoreEngine().RunAsync(
            target.Restore(source.Dump(kind, gzip)) with { Database = "crm_copy", Jobs = 2, ReadPostDataAhead = kind == "custom" && !gzip },
            null, log.Add, CancellationToken.None);

        Assert.True(report.Verified);
        // Created without login and without a password: they own and are granted to, nobody logs in as them.
        var roles = await Fingerprint.RowsTextAsync(target.Instance, "postgres",
            "SELECT rolname || ' login=' || rolcanlogin || ' password=' || (rolpassword IS NOT NULL) FROM pg_authid WHERE rolname <> 'postgres' AND rolname !~ '^pg_' ORDER BY rolname COLLATE \"C\"");
        Assert.Equal(Needed.Select(r => $"{r} login=false password=false"), roles);
        // Owners, table, column and schema grants, default privileges and policies as in production.
        Assert.Equal(source.Fingerprint, await Fingerprint.OfDatabaseAsync(target.Instance, "crm_copy"));
        Assert.Equal(source.Policies, await GrantedRolesSource.PoliciesAsync(target.Instance, "crm_copy"));
        Assert.Equal("t", await Fingerprint.ScalarAsync(target.Instance, "crm_copy", "SELECT has_column_privilege('readonly_app', 'reporting.accounts', 'name', 'SELECT')::text::char"));
        Assert.Equal("f", await Fingerprint.ScalarAsync(target.Instance, "crm_copy", "SELECT has_column_privilege('readonly_app', 'reporting.accounts', 'secret', 'SELECT')::text::char"));
        // The log names every role it created, and nothing else created them.
        var created = log.Where(l => l.StartsWith("created role", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(created);
        foreach (var role in Needed) Assert.Single(created, l => l.Contains(role, StringComparison.Ordinal) && l.Contains("NOLOGIN", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Roles_that_exist_are_left_as_they_are()
    {
        await using var target = await TargetInstance.CreateAsync();
        await target.ExecuteAsync("postgres", "CREATE ROLE analyst LOGIN PASSWORD 'kept'; CREATE ROLE app_owner LOGIN;");
        var log = new List<string>();

        await new RestoreEngine().RunAsync(target.Restore(source.Dump("database", true)) with { Database = "crm_copy" }, null, log.Add, CancellationToken.None);

        Assert.Equal("t", await Fingerprint.ScalarAsync(target.Instance, "postgres", "SELECT rolcanlogin::text::char FROM pg_roles WHERE rolname = 'analyst'"));
        Assert.DoesNotContain(log, l => l.StartsWith("created role", StringComparison.Ordinal) && (l.Contains("analyst") || l.Contains("app_owner")));
        Assert.Contains(log, l => l.StartsWith("created role", StringComparison.Ordinal) && l.Contains("readonly_app"));
        Assert.Equal(source.Fingerprint, await Fingerprint.OfDatabaseAsync(target.Instance, "crm_copy"));
    }
}
