using Npgsql;

namespace Replica.Postgres.Restore;

/// <summary>Opens connections to the server being restored into.</summary>
internal sealed class TargetServer(RestoreOptions options)
{
    public RestoreOptions Options => options;

    /// <summary>
    /// At most --jobs COPYs and post-data statements run on the server at once, like pg_restore -j: more
    /// would only share the same CPUs and slow down the big table's COPY that the whole restore waits for.
    /// </summary>
    public SemaphoreSlim Work { get; } = new(Math.Max(1, options.Jobs));

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = options.Host,
        Port = options.Port,
        Username = options.User,
        Password = options.Password,
        Database = database,
        Pooling = false,
        Timeout = 30,
        CommandTimeout = 0,
        ApplicationName = "replica restore",
        // Statements are replayed as text; Npgsql needs no knowledge of the dump's types.
        ServerCompatibilityMode = ServerCompatibilityMode.NoTypeLoading,
        IncludeErrorDetail = true,
        WriteBufferSize = 1 << 18,
        // Loading is all-or-nothing anyway: waiting for each commit to reach disk buys nothing. The
        // restore's queries run once each: compiling them (foreign-key checks over big tables) costs more than it saves.
        Options = "-c synchronous_commit=off -c jit=off",
    }.ConnectionString;

    public async Task<NpgsqlConnection> OpenAsync(string database, CancellationToken ct)
    {
        var c = new NpgsqlConnection(ConnectionString(database));
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
}
