using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Replica.Postgres.Instances;

/// <summary>
/// One PostgreSQL server process and its data directory: created with initdb, started and stopped
/// with pg_ctl as an unprivileged account, reachable only on 127.0.0.1 with a password.
/// </summary>
public sealed class PostgresInstance
{
    private readonly PostgresInstanceOptions _options;
    private readonly ServerTool _tool;
    private BackgroundFlush? _flush;

    private PostgresInstance(PostgresInstanceOptions options, ServerTool tool)
    {
        _options = options;
        _tool = tool;
    }

    public PostgresInstanceOptions Options => _options;

    /// <summary>The account the server runs as, so callers can say "runs as postgres".</summary>
    public string? RunAsUser => _tool.Account.Name;

    public string DataDirectory => _options.DataDirectory;
    public int Port => _options.Port;

    /// <summary>The server's own log (pg_ctl -l), beside the cluster files in the data directory.</summary>
    public string LogFile => Path.Combine(_options.DataDirectory, "server.log");

    /// <summary>initdb's password file is named so; one left by a killed run is found and removed by this prefix.</summary>
    public const string PasswordFilePrefix = ".replica-initdb-pw-";

    /// <summary>initdb into an empty or absent folder, then start and wait until it accepts connections.</summary>
    public static async Task<PostgresInstance> CreateAsync(PostgresInstanceOptions o, CancellationToken ct)
    {
        var dir = Path.GetFullPath(o.DataDirectory);
        o = o with { DataDirectory = dir };
        if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any())
            throw new PostgresInstanceException($"The data directory {dir} is not empty; choose an empty or absent folder for a new instance.");
        var tool = ResolveTool(o);
        var account = tool.Account;
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (UnixAccount.IsRoot)
        {
            account.Chown(dir);
            await DataDirectoryAccess.CheckParentsAsync(dir, account, ct).ConfigureAwait(false);
        }

        // The password reaches initdb only through a file readable by the server's account, deleted right after.
        var pwfile = Path.Combine(o.PasswordFileDirectory ?? Path.GetDirectoryName(dir)!, PasswordFilePrefix + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var f = new FileStream(pwfile, new FileStreamOptions
            {
                Mode = FileMode.CreateNew, Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            }))
            {
                await f.WriteAsync(System.Text.Encoding.UTF8.GetBytes(o.Password + "\n"), ct).ConfigureAwait(false);
            }
            if (UnixAccount.IsRoot) account.Chown(pwfile);
            await tool.RunAsync("initdb", [
                "-D", dir, "-U", o.Superuser, $"--pwfile={pwfile}", "--auth=scram-sha-256",
                "-E", "UTF8", "--locale=C", "--no-instructions",
            ], $"create the data directory {dir}", ct).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(pwfile);
        }

        var conf = Path.Combine(dir, "postgresql.conf");
        await File.WriteAllTextAsync(Path.Combine(dir, ServerSettings.FileName), ServerSettings.Base(o.Port), ct).ConfigureAwait(false);
        if (UnixAccount.IsRoot) account.Chown(Path.Combine(dir, ServerSettings.FileName));
        await File.AppendAllTextAsync(conf, $"\ninclude = '{ServerSettings.FileName}'\n", ct).ConfigureAwait(false);

        var instance = new PostgresInstance(o, tool);
        await instance.StartAsync(o.CreateForBulkLoad, ct).ConfigureAwait(false);
        return instance;
    }

    /// <summary>An existing data directory made by <see cref="CreateAsync"/> (or any initdb with matching settings).</summary>
    public static PostgresInstance Open(PostgresInstanceOptions o)
    {
        var dir = Path.GetFullPath(o.DataDirectory);
        if (!File.Exists(Path.Combine(dir, "PG_VERSION")))
            throw new PostgresInstanceException($"The folder {dir} is not a PostgreSQL data directory (no PG_VERSION); create the instance first.");
        return new PostgresInstance(o with { DataDirectory = dir }, ResolveTool(o));
    }

    /// <summary>Starts the server with its durable settings.</summary>
    public Task StartAsync(CancellationToken ct) => StartAsync(bulkLoad: false, ct);

    private async Task StartAsync(bool bulkLoad, CancellationToken ct)
    {
        if (IsRunning) return;
        if (UnixAccount.IsRoot) await DataDirectoryAccess.CheckParentsAsync(DataDirectory, _tool.Account, ct).ConfigureAwait(false);
        var options = $"-p {_options.Port}" + (bulkLoad ? " " + ServerSettings.BulkLoadArguments : "")
            + (_options.CommandLineSettings is { Count: > 0 } given ? " " + ServerSettings.Arguments(given) : "");
        // pg_ctl's own wait (-w) looks every 100 ms; replica looks every 10 ms (see WaitUntilReadyAsync).
        await _tool.RunAsync("pg_ctl", ["-D", DataDirectory, "-l", LogFile, "-W", "-o", options, "start"],
            $"start the instance in {DataDirectory} on port {_options.Port} (see {LogFile})", ct).ConfigureAwait(false);
        await WaitUntilReadyAsync(ct).ConfigureAwait(false);
        await WaitUntilAcceptingAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Until postmaster.pid says "ready"; fails when the server died on the way (its log says why).</summary>
    private async Task WaitUntilReadyAsync(CancellationToken ct)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
        int? seen = null;
        while (true)
        {
            string[]? lines = null;
            try { lines = File.ReadAllLines(pidFile); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            if (lines is { Length: >= 8 } && lines[7].Trim() == "ready") return;
            if (lines is { Length: > 0 } && int.TryParse(lines[0], out var pid)) seen = pid;
            // The server went away on the way up (a bad setting, a taken port), or never wrote its pid file.
            bool died = seen is { } p && !IsAlive(p);
            if (died || (seen is null && clock.Elapsed > TimeSpan.FromSeconds(10)) || clock.Elapsed > TimeSpan.FromSeconds(_options.StartTimeoutSeconds))
                throw new PostgresInstanceException($"The instance in {DataDirectory} did not start on port {_options.Port} ({LastLogLine() ?? "it wrote no log"}); see {LogFile}.");
            await Task.Delay(10, ct).ConfigureAwait(false);
        }
    }

    /// <summary>The server's last FATAL or PANIC line (why it stopped), else its last line.</summary>
    private string? LastLogLine()
    {
        try
        {
            var lines = File.ReadLines(LogFile).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
            return (lines.LastOrDefault(l => l.Contains("FATAL:") || l.Contains("PANIC:")) ?? lines.LastOrDefault())?.TrimEnd('.');
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>Fast shutdown (sessions are ended, no crash recovery needed); does nothing when already stopped.</summary>
    public async Task StopAsync(CancellationToken ct)
    {
        if (ProcessId is not { } pid) return;
        // pg_ctl signals exactly the postmaster recorded in this data directory's postmaster.pid; replica
        // then watches that process itself, every 5 ms (pg_ctl's own wait looks every 100 ms).
        await _tool.RunAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-W", "stop"],
            $"stop the instance in {DataDirectory}", ct).ConfigureAwait(false);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (IsAlive(pid))
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(_options.StartTimeoutSeconds))
                throw new PostgresInstanceException($"The instance in {DataDirectory} did not stop within {_options.StartTimeoutSeconds} s; see {LogFile}.");
            await Task.Delay(5, ct).ConfigureAwait(false);
        }
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>postmaster.pid exists and names a live postgres process.</summary>
    public bool IsRunning => ProcessId is not null;

    public int? ProcessId
    {
        get
        {
            var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
            string? first;
            try { first = File.ReadLines(pidFile).FirstOrDefault(); }
            catch (IOException) { return null; }
            catch (UnauthorizedAccessException) { return null; }
            if (!int.TryParse(first, out var pid) || pid <= 0) return null;
            // A stale pid file after a crash may name a recycled pid: require a postgres process.
            try
            {
                var comm = File.ReadAllText($"/proc/{pid}/comm").Trim();
                return comm.StartsWith("postgres", StringComparison.Ordinal) ? pid : null;
            }
            catch (IOException) { return null; }
        }
    }

    private static bool IsAlive(int pid)
    {
        try { return !File.ReadAllText($"/proc/{pid}/stat").Split(' ')[2].Equals("Z", StringComparison.Ordinal); }
        catch (IOException) { return false; }
    }

    public string ConnectionString(string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = _options.Port,
        Username = _options.Superuser,
        Password = _options.Password,
        Database = database,
        // Pools would outlive a stop/start and hand out dead connections.
        Pooling = false,
        Timeout = 30,
        CommandTimeout = 0,
    }.ConnectionString;

    /// <summary>
    /// fsync off, minimal WAL and friends for a fresh instance nobody else uses (restarts the server unless it
    /// already runs so). While it loads, the written data is flushed to disk in the background, so the hand-over
    /// has little left to write.
    /// </summary>
    public async Task UseBulkLoadSettingsAsync(CancellationToken ct)
    {
        bool bulk;
        await using (var c = await OpenAsync(ct).ConfigureAwait(false))
        await using (var cmd = new NpgsqlCommand("SELECT current_setting('fsync') = 'off' AND current_setting('wal_level') = 'minimal'", c))
            bulk = (bool)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        if (!bulk)
        {
            await StopAsync(ct).ConfigureAwait(false);
            await StartAsync(bulkLoad: true, ct).ConfigureAwait(false);
        }
        _flush ??= BackgroundFlush.Start(DataDirectory);
    }

    /// <summary>Back to durable settings: every file written while fsync was off is flushed to disk, then a checkpoint.</summary>
    public async Task UseDurableSettingsAsync(CancellationToken ct)
    {
        if (_flush is { } flush) { _flush = null; await flush.StopAsync().ConfigureAwait(false); }
        await StopAsync(ct).ConfigureAwait(false);
        // Pages written with fsync=off may still sit only in the OS cache; a clean restart would not flush them.
        await Task.Run(() => FileSystemSync.Flush(DataDirectory), ct).ConfigureAwait(false);
        await StartAsync(bulkLoad: false, ct).ConfigureAwait(false);
        await using (var c = await OpenAsync(ct).ConfigureAwait(false))
            await ExecuteAsync(c, "CHECKPOINT", ct).ConfigureAwait(false);
    }

    /// <summary>A TCP port on 127.0.0.1 that nothing listens on right now.</summary>
    public static int FindFreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var c = new NpgsqlConnection(ConnectionString());
        await c.OpenAsync(ct).ConfigureAwait(false);
        return c;
    }

    private static async Task ExecuteAsync(NpgsqlConnection c, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>pg_ctl -w returns once the postmaster reports ready; a login proves the password and port too.</summary>
    private async Task WaitUntilAcceptingAsync(CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(_options.StartTimeoutSeconds);
        while (true)
        {
            try
            {
                await using var c = await OpenAsync(ct).ConfigureAwait(false);
                return;
            }
            catch (NpgsqlException e) when (DateTime.UtcNow < deadline && e is not PostgresException { SqlState: "28P01" })
            {
                await Task.Delay(10, ct).ConfigureAwait(false);
            }
            catch (NpgsqlException e)
            {
                throw new PostgresInstanceException($"The instance in {DataDirectory} started but refuses connections on 127.0.0.1:{_options.Port} ({e.Message.TrimEnd('.')}); see {LogFile}.", e);
            }
        }
    }

    private static ServerTool ResolveTool(PostgresInstanceOptions o)
    {
        var current = UnixAccount.Current();
        var name = o.RunAsUser ?? (UnixAccount.IsRoot ? "postgres" : current.Name);
        if (name == "root")
            throw new PostgresInstanceException("PostgreSQL refuses to run as root; set RunAsUser to an unprivileged account such as 'postgres'.");
        var account = name == current.Name ? current : UnixAccount.Find(name);
        if (account.Uid != current.Uid && !UnixAccount.IsRoot)
            throw new PostgresInstanceException($"Running PostgreSQL as '{name}' needs root; leave RunAsUser unset to run it as '{current.Name}'.");
        return new ServerTool(o.BinDirectory, account, switchUser: account.Uid != current.Uid);
    }
}
