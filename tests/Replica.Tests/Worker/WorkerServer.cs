using Npgsql;
using Replica.Postgres.Instances;

namespace Replica.Tests.Worker;

/// <summary>
/// A real PostgreSQL 15 server for the restore worker's tests (scram passwords, as a database pod
/// has), with two more login roles: one the server trusts without a password, one with a password.
/// </summary>
public sealed class WorkerServer : IAsyncLifetime
{
    public const string Trusted = "trusted_restorer";
    public const string WithPassword = "password_restorer";

    public string Folder { get; } = Directory.CreateTempSubdirectory("replica-worker-test-").FullName;
    public string RolePassword { get; } = "role-" + Guid.NewGuid().ToString("N");
    private readonly string _superPassword = "su-" + Guid.NewGuid().ToString("N");
    private PostgresInstance? _server;

    public PostgresInstance Server => _server!;
    public int Port => Server.Port;

    public async Task InitializeAsync()
    {
        File.SetUnixFileMode(Folder, (UnixFileMode)0b111_101_101); // the postgres account enters it when tests run as root
        _server = await PostgresInstance.CreateAsync(
            new PostgresInstanceOptions(Path.Combine(Folder, "data"), PostgresInstance.FindFreePort(), "postgres", _superPassword), CancellationToken.None);
        await ExecuteAsync("postgres", $"CREATE ROLE {Trusted} LOGIN SUPERUSER");
        await ExecuteAsync("postgres", $"CREATE ROLE {WithPassword} LOGIN SUPERUSER PASSWORD '{RolePassword}'");
        // The first matching line wins: the trusted role needs no password, every other one still does.
        var hba = Path.Combine(Server.DataDirectory, "pg_hba.conf");
        await File.WriteAllTextAsync(hba, $"host all {Trusted} 127.0.0.1/32 trust\n" + await File.ReadAllTextAsync(hba));
        await ExecuteAsync("postgres", "SELECT pg_reload_conf()");
    }

    public async Task ExecuteAsync(string database, string sql)
    {
        await using var c = new NpgsqlConnection(Server.ConnectionString(database));
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string database, string sql)
    {
        await using var c = new NpgsqlConnection(Server.ConnectionString(database));
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>A plain single-database dump as pg_dump writes it: a table and its rows, with <paramref name="extra"/> before the data.</summary>
    public string WriteDump(string name, int rows, string extra = "")
    {
        var path = Path.Combine(Folder, name);
        var data = string.Concat(Enumerable.Range(1, rows).Select(i => $"{i}\tname {i}\n"));
        File.WriteAllText(path, $"""
            --
            -- PostgreSQL database dump
            --

            SET statement_timeout = 0;
            SET client_encoding = 'UTF8';
            SELECT pg_catalog.set_config('search_path', '', false);

            CREATE TABLE public.items (
                id integer NOT NULL,
                name text
            );

            {extra}

            COPY public.items (id, name) FROM stdin;
            {data}\.


            ALTER TABLE ONLY public.items
                ADD CONSTRAINT items_pkey PRIMARY KEY (id);

            --
            -- PostgreSQL database dump complete
            --

            """);
        return path;
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.StopAsync(CancellationToken.None);
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
