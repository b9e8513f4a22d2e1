using System.Buffers;
using System.Threading.Channels;
using Npgsql;

namespace Replica.Postgres.Restore.Loading;

/// <summary>
/// A pool of connections to one database that COPY tables in parallel: each takes the next table,
/// streams its chunks to the server, and reads back how many rows the server inserted.
/// </summary>
internal sealed class TableLoader : IAsyncDisposable
{
    private readonly Channel<TableCopy> _queue = Channel.CreateUnbounded<TableCopy>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly Task[] _workers;
    private readonly TargetServer _server;
    private readonly string _database;
    private readonly Func<TableCopy, Exception, Exception> _describe;
    private readonly CancellationToken _ct;

    public TableLoader(TargetServer server, string database, int jobs, Func<TableCopy, Exception, Exception> describe, CancellationToken ct)
    {
        _server = server; _database = database; _describe = describe; _ct = ct;
        _workers = Enumerable.Range(0, Math.Max(1, jobs)).Select(_ => Task.Run(WorkAsync, ct)).ToArray();
    }

    public void Enqueue(TableCopy table) => _queue.Writer.TryWrite(table);

    /// <summary>Waits for every queued table; the first failure is rethrown.</summary>
    public async Task CompleteAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_workers).ConfigureAwait(false);
    }

    private async Task WorkAsync()
    {
        NpgsqlConnection? conn = null;
        SessionSettings applied = SessionSettings.Empty;
        try
        {
            await foreach (var table in _queue.Reader.ReadAllAsync(_ct).ConfigureAwait(false))
            {
                try
                {
                    conn ??= await _server.OpenAsync(_database, _ct).ConfigureAwait(false);
                    if (!ReferenceEquals(applied, table.Settings))
                    {
                        foreach (var set in table.Settings.Statements) await TargetServer.ExecuteAsync(conn, set, _ct).ConfigureAwait(false);
                        applied = table.Settings;
                    }
                    table.LoadedRows = await LoadAsync(conn, table).ConfigureAwait(false);
                    table.Done.TrySetResult();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    var failure = _describe(table, e);
                    table.Done.TrySetException(failure);
                    Drain(table);
                    throw failure;
                }
            }
        }
        finally
        {
            if (conn is not null) await conn.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<long> LoadAsync(NpgsqlConnection conn, TableCopy table)
    {
        var name = table.Start.Table;
        await using var tx = await conn.BeginTransactionAsync(_ct).ConfigureAwait(false);
        if (table.CreatedHere)
            await TargetServer.ExecuteAsync(conn, $"TRUNCATE ONLY {name}", _ct).ConfigureAwait(false);
        var copySql = table.Start.Text.TrimEnd(';');
        await using (var writer = await conn.BeginTextImportAsync(copySql, _ct).ConfigureAwait(false))
        {
            // The dump's bytes are already COPY text: pass them through untouched, without decoding to chars.
            var raw = ((StreamWriter)writer).BaseStream;
            await foreach (var chunk in table.Chunks.Reader.ReadAllAsync(_ct).ConfigureAwait(false))
            {
                try { await raw.WriteAsync(chunk.Buffer.AsMemory(0, chunk.Length), _ct).ConfigureAwait(false); }
                finally { ArrayPool<byte>.Shared.Return(chunk.Buffer); }
            }
        }
        // Rows this transaction inserted, counted by the server itself (partitions included).
        var loaded = await TargetServer.ScalarAsync(conn,
            "SELECT coalesce(sum(n_tup_ins), 0)::bigint FROM pg_catalog.pg_stat_xact_all_tables WHERE relid = $1::text::regclass OR relid IN (SELECT relid FROM pg_catalog.pg_partition_tree($1::text::regclass))",
            _ct, name).ConfigureAwait(false);
        await tx.CommitAsync(_ct).ConfigureAwait(false);
        return (long)loaded!;
    }

    private static void Drain(TableCopy table)
    {
        // The reader may still be writing this table's chunks; give their buffers back so it can move on and stop.
        _ = Task.Run(async () =>
        {
            try
            {
                await foreach (var chunk in table.Chunks.Reader.ReadAllAsync().ConfigureAwait(false))
                    ArrayPool<byte>.Shared.Return(chunk.Buffer);
            }
            catch (Exception) { /* the restore is failing anyway */ }
        });
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        try { await Task.WhenAll(_workers).ConfigureAwait(false); } catch { /* reported by CompleteAsync */ }
    }
}
