using System.Diagnostics;
using Npgsql;
using Replica.Postgres.Instances;

namespace Replica.Image.Tests;

/// <summary>
/// PostgreSQL 15 in a second container of the same image, as the hardened database pod runs it:
/// the image's postgres account (uid 999), no capabilities, no privilege escalation, a read-only
/// root file system (data and socket on the tmpfs podman mounts at /tmp). Host network,
/// listening on 127.0.0.1 only, on a free port.
/// </summary>
public sealed class DatabaseContainer
{
    public const int PostgresUid = 999;
    public string Password { get; } = "db-" + Guid.NewGuid().ToString("N");
    public int Port { get; } = PostgresInstance.FindFreePort();
    public string Name { get; } = "replica-image-test-db-" + Guid.NewGuid().ToString("N")[..8];

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1", Port = Port, Username = "postgres", Password = Password, Database = database, Pooling = false,
    }.ConnectionString;

    public async Task StartAsync(Podman podman, string image)
    {
        const string script = """
            set -e
            umask 077
            printf '%s' "$DB_PASSWORD" > /tmp/pwfile
            /usr/lib/postgresql/15/bin/initdb -D /tmp/data -U postgres --auth-host=scram-sha-256 --auth-local=peer --pwfile=/tmp/pwfile >/tmp/initdb.log
            rm /tmp/pwfile
            exec /usr/lib/postgresql/15/bin/postgres -D /tmp/data -c listen_addresses=127.0.0.1 -c port="$DB_PORT" -c unix_socket_directories=/tmp
            """;
        var started = await podman.RunContainerAsync(Name,
            ["--detach", "--network", "host", "--user", $"{PostgresUid}:{PostgresUid}", "--cap-drop", "all", "--security-opt", "no-new-privileges",
             "--read-only", "-e", "DB_PASSWORD", "-e", $"DB_PORT={Port}",
             "--entrypoint", "/bin/sh", image, "-c", script],
            new Dictionary<string, string> { ["DB_PASSWORD"] = Password });
        Assert.True(started.ExitCode == 0, $"the database container did not start: {started}");

        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var c = new NpgsqlConnection(ConnectionString("postgres"));
                await c.OpenAsync();
                return;
            }
            catch (NpgsqlException) when (clock.Elapsed < TimeSpan.FromSeconds(90))
            {
                await Task.Delay(200);
            }
            catch (NpgsqlException e)
            {
                var logs = await Podman.RunAsync(["logs", Name]);
                Assert.Fail($"PostgreSQL in container {Name} never accepted connections ({e.Message}):\n{logs}");
            }
        }
    }

    public async Task<List<string>> ColumnAsync(string database, string sql)
    {
        await using var c = new NpgsqlConnection(ConnectionString(database));
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        await using var r = await cmd.ExecuteReaderAsync();
        var values = new List<string>();
        while (await r.ReadAsync()) values.Add(Convert.ToString(r.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
        return values;
    }
}
