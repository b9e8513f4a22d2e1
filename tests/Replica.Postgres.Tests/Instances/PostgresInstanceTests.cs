using Npgsql;
using Replica.Postgres.Instances;

namespace Replica.Postgres.Tests.Instances;

public sealed class PostgresInstanceTests
{
    private static PostgresInstanceOptions Options(TempFolder tmp, string password) =>
        new(tmp.Sub("data"), PostgresInstance.FindFreePort(), "postgres", password);

    private static async Task<string> ScalarAsync(PostgresInstance pg, string sql)
    {
        await using var c = new NpgsqlConnection(pg.ConnectionString());
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        return Convert.ToString(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Create_start_stop_reopen_and_switch_settings()
    {
        using var tmp = new TempFolder();
        var password = "pw-" + Guid.NewGuid().ToString("N");
        var o = Options(tmp, password);
        var pg = await PostgresInstance.CreateAsync(o, CancellationToken.None);
        try
        {
            Assert.True(pg.IsRunning);
            Assert.NotNull(pg.ProcessId);
            Assert.Equal(Environment.UserName == "root" ? "postgres" : Environment.UserName, pg.RunAsUser);
            Assert.Equal("127.0.0.1", await ScalarAsync(pg, "SHOW listen_addresses"));
            Assert.Equal(o.Port.ToString(), await ScalarAsync(pg, "SHOW port"));
            Assert.Equal("", await ScalarAsync(pg, "SHOW unix_socket_directories"));

            // A wrong password is refused: authentication is real, not trust.
            var wrong = new NpgsqlConnectionStringBuilder(pg.ConnectionString()) { Password = "not-it" }.ConnectionString;
            await using (var c = new NpgsqlConnection(wrong))
                Assert.Equal("28P01", (await Assert.ThrowsAsync<PostgresException>(() => c.OpenAsync())).SqlState);

            await pg.UseBulkLoadSettingsAsync(CancellationToken.None);
            Assert.Equal("off", await ScalarAsync(pg, "SHOW fsync"));
            Assert.Equal("minimal", await ScalarAsync(pg, "SHOW wal_level"));
            await pg.UseDurableSettingsAsync(CancellationToken.None);
            Assert.Equal("on", await ScalarAsync(pg, "SHOW fsync"));
            Assert.Equal("on", await ScalarAsync(pg, "SHOW full_page_writes"));
            Assert.Equal("replica", await ScalarAsync(pg, "SHOW wal_level"));

            var pid = pg.ProcessId!.Value;
            await pg.StopAsync(CancellationToken.None);
            Assert.False(pg.IsRunning);
            Assert.Null(pg.ProcessId);
            // Gone, or a zombie waiting for its (re)parent to reap it: either way no longer running.
            Assert.True(!File.Exists($"/proc/{pid}/stat") || File.ReadAllText($"/proc/{pid}/stat").Split(' ')[2] == "Z");
            await pg.StopAsync(CancellationToken.None); // idempotent

            var reopened = PostgresInstance.Open(o);
            Assert.False(reopened.IsRunning);
            await reopened.StartAsync(CancellationToken.None);
            Assert.True(reopened.IsRunning);
            Assert.Equal("1", await ScalarAsync(reopened, "SELECT 1"));
            await reopened.StopAsync(CancellationToken.None);
        }
        finally
        {
            await pg.StopAsync(CancellationToken.None);
        }

        // The password went through a temp file that is gone, and never into the server's log or config.
        Assert.DoesNotContain(Directory.GetFiles(Path.GetTempPath(), "replica-pw-*"), f => File.ReadAllText(f).Contains(password));
        foreach (var f in Directory.GetFiles(o.DataDirectory, "*", SearchOption.TopDirectoryOnly))
            Assert.DoesNotContain(password, File.ReadAllText(f));
    }

    [Fact]
    public async Task An_instance_created_for_bulk_load_is_handed_over_durable_and_stays_so_after_a_restart()
    {
        using var tmp = new TempFolder();
        var pg = await PostgresInstance.CreateAsync(Options(tmp, "pw") with { CreateForBulkLoad = true }, CancellationToken.None);
        try
        {
            Assert.Equal("off", await ScalarAsync(pg, "SHOW fsync"));
            Assert.Equal("minimal", await ScalarAsync(pg, "SHOW wal_level"));
            var pid = pg.ProcessId;
            await pg.UseBulkLoadSettingsAsync(CancellationToken.None);
            Assert.Equal(pid, pg.ProcessId); // already bulk-loading: no restart
            await pg.UseDurableSettingsAsync(CancellationToken.None);
            Assert.Equal("on", await ScalarAsync(pg, "SHOW fsync"));
            Assert.Equal("replica", await ScalarAsync(pg, "SHOW wal_level"));
            Assert.Equal("on", await ScalarAsync(pg, "SHOW synchronous_commit"));

            // The bulk-load settings lived on one server run's command line only: a plain start is durable.
            await pg.StopAsync(CancellationToken.None);
            await pg.StartAsync(CancellationToken.None);
            Assert.Equal("on", await ScalarAsync(pg, "SHOW fsync"));
            Assert.Equal("replica", await ScalarAsync(pg, "SHOW wal_level"));
        }
        finally
        {
            await pg.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_server_that_cannot_start_fails_at_once_with_the_reason_from_its_log()
    {
        using var tmp = new TempFolder();
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        var e = await Assert.ThrowsAsync<PostgresInstanceException>(() => PostgresInstance.CreateAsync(Options(tmp, "pw") with { Port = port }, CancellationToken.None));
        Assert.Contains($"did not start on port {port}", e.Message);
        Assert.Contains("could not", e.Message);           // the server's own reason, from its log
        Assert.Contains("server.log", e.Message);
    }

    [Fact]
    public async Task Create_refuses_a_non_empty_folder()
    {
        using var tmp = new TempFolder();
        Directory.CreateDirectory(tmp.Sub("data"));
        File.WriteAllText(tmp.Sub("data/keep.txt"), "x");
        var e = await Assert.ThrowsAsync<PostgresInstanceException>(() => PostgresInstance.CreateAsync(Options(tmp, "pw"), CancellationToken.None));
        Assert.Contains("not empty", e.Message);
        Assert.True(File.Exists(tmp.Sub("data/keep.txt")));
    }

    [Fact]
    public async Task Create_names_a_parent_the_server_account_cannot_enter()
    {
        // Only root switches accounts: without root this test cannot check anything, so it fails rather than pass by doing nothing.
        Assert.True(Environment.UserName == "root", "This test needs root (the server runs as another account only then); run the tests as root, as .ci/run does.");
        using var tmp = new TempFolder();
        var locked = tmp.Sub("locked");
        Directory.CreateDirectory(locked);
        File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var o = new PostgresInstanceOptions(Path.Combine(locked, "data"), PostgresInstance.FindFreePort(), "postgres", "pw");
        var e = await Assert.ThrowsAsync<PostgresInstanceException>(() => PostgresInstance.CreateAsync(o, CancellationToken.None));
        Assert.Contains(locked, e.Message);
        Assert.Contains("cannot enter", e.Message);
    }

    [Fact]
    public void Open_refuses_a_folder_without_a_cluster()
    {
        using var tmp = new TempFolder();
        var e = Assert.Throws<PostgresInstanceException>(() => PostgresInstance.Open(Options(tmp, "pw") with { DataDirectory = tmp.Path }));
        Assert.Contains("PG_VERSION", e.Message);
    }

    [Fact]
    public void Free_ports_are_bindable()
    {
        var port = PostgresInstance.FindFreePort();
        using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
        l.Start();
    }
}
