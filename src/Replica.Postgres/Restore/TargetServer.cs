using Npgsql;

namespace Replica.Postgres.Restore;

/// <summary>Opens connections to the server being restored into.</summary>
internal sealed class TargetServer(RestoreOptions options) : IAsyncDisposable
{
    public RestoreOptions Options => options;

    /// <summary>
    /// At most --jobs COPYs and post-data statements run on the server at once, like pg_restore -j: more
    /// would only share the same CPUs and slow down the big table's COPY that the whole restore waits for.
    /// </summary>
    public SemaphoreSlim Work { get; } = new(Math.Max(1, options.Jobs));

    private readonly Dictionary<string, NpgsqlDataSource> _sources = [];

    /// <summary>One data source a database: statements are replayed as text, so Npgsql loads no type knowledge from the server.</summary>
    private NpgsqlDataSource Source(string database)
    {
        lock (_sources)
        {
            if (_sources.TryGetValue(database, out var source)) return source;
            var builder = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder
            {
                Host = options.Host,
                Port = options.Port,
                Username = options.User,
                Password = options.Password is { Length: > 0 } password ? password : null, // none given: Npgsql looks in PGPASSFILE or ~/.pgpass, as libpq does
                Database = database,
                Pooling = false,
                Timeout = 30,
                CommandTimeout = 0,
                ApplicationName = "replica restore",
                IncludeErrorDetail = true,
                WriteBufferSize = 1 << 18,
                // Loading is all-or-nothing anyway: waiting for each commit to reach disk buys nothing. The
                // restore's queries run once each: compiling them (foreign-key checks over big tables) costs more than it saves.
                Options = "-c synchronous_commit=off -c jit=off",
            }.ConnectionString);
            builder.ConfigureTypeLoading(t => t.EnableTypeLoading(false));
            return _sources[database] = builder.Build();
        }
    }

    public async Task<NpgsqlConnection> OpenAsync(string database, CancellationToken ct)
    {
        var c = Source(database).CreateConnection();
        try
        {
            await c.OpenAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException)
        {
            await c.DisposeAsync().ConfigureAwait(false);
            throw new RestoreException($"Cannot connect to database {database} on {options.Host}:{options.Port} as {options.User} ({e.Message.TrimEnd('.')}); check the server, the user and PGPASSWORD.", e);
        }
        return c;
    }

    /// <summary>Runs one statement exactly as written: a single batch command is not split at semicolons by Npgsql
    /// (which would cut a BEGIN ATOMIC … END function body).</summary>
    public static async Task ExecuteAsync(NpgsqlConnection c, string sql, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(c) { BatchCommands = { new NpgsqlBatchCommand(sql) } };
        await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public static async Task<object?> ScalarAsync(NpgsqlConnection c, string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, c);
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var source in _sources.Values) await source.DisposeAsync().ConfigureAwait(false);
        Work.Dispose();
    }
}
