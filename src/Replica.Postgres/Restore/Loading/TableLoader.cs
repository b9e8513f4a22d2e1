using System.Buffers;
using System.Threading.Channels;
using Npgsql;
using Replica.Postgres.Restore.Plain;

namespace Replica.Postgres.Restore.Loading;

/// <summary>
/// A pool of connections to one database that COPY tables in parallel. Each takes the next table;
/// an idle one joins the table the reader is filling when its queue backs up, so one big table
/// does not leave the other connections waiting.
/// </summary>
internal sealed class TableLoader : IAsyncDisposable
{
    private readonly Channel<TableCopy> _queue = Channel.CreateUnbounded<TableCopy>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly Task[] _workers;
    private readonly TargetServer _server;
    private readonly string _database;
    private readonly LoadStrategy _strategy;
    private readonly ByteBudget _budget;
    private readonly Func<TableCopy, Exception, Exception> _describe;
    private readonly CancellationToken _ct;
    private volatile TableCopy? _filling;
    private readonly TaskCompletionSource _failure = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Faults with the first loading failure, so the reader stops feeding a pool that lost a connection.</summary>
    public Task Failure => _failure.Task;

    public TableLoader(TargetServer server, string database, int jobs, LoadStrategy strategy, ByteBudget budget, Func<TableCopy, Exception, Exception> describe, CancellationToken ct)
    {
        _server = server; _database = database; _strategy = strategy; _budget = budget; _describe = describe; _ct = ct;
        _workers = Enumerable.Range(0, Math.Max(1, jobs)).Select(_ => Task.Run(WorkAsync, ct)).ToArray();
    }

    public void Enqueue(TableCopy table)
    {
        _filling = table;
        _queue.Writer.TryWrite(table);
    }

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
            while (true)
            {
                TableCopy? table = null;
                if (_queue.Reader.TryRead(out var next)) { if (next.TryJoin()) table = next; }
                else if (_strategy.SplitBigTables && _filling is { } filling && filling.Chunks.Reader.Count >= 8 && filling.Sessions is > 0 and < 4 && filling.TryJoin())
                    table = filling;
                else if (_queue.Reader.Completion.IsCompleted) break;
                else
                {
                    // Wake for a new table, or shortly after, to see whether the current one needs a hand.
                    var wait = _queue.Reader.WaitToReadAsync(_ct).AsTask();
                    if (_strategy.SplitBigTables) await Task.WhenAny(wait, Task.Delay(20, _ct)).ConfigureAwait(false);
                    else await wait.ConfigureAwait(false);
                    continue;
                }
                if (table is null) continue;

                long loaded = 0;
                try
                {
                    conn ??= await _server.OpenAsync(_database, _ct).ConfigureAwait(false);
                    if (!ReferenceEquals(applied, table.Settings))
                    {
                        foreach (var set in table.Settings.Statements) await TargetServer.ExecuteAsync(conn, set, _ct).ConfigureAwait(false);
                        applied = table.Settings;
                    }
                    loaded = await LoadAsync(conn, table).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    var failure = _describe(table, e);
                    table.Done.TrySetException(failure);
                    _failure.TrySetException(failure);
                    Drain(table);
                    throw failure;
                }
                table.Leave(loaded);
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
        var copySql = table.Start.Text.TrimEnd(';');
        if (table.CreatedHere && !_strategy.SplitBigTables)
        {
            // A table emptied in this transaction needs no WAL under wal_level=minimal, and its rows can be
            // written frozen: index builds and foreign-key checks then skip setting hint bits on every row.
            await TargetServer.ExecuteAsync(conn, $"TRUNCATE ONLY {name}", _ct).ConfigureAwait(false);
            var kind = await TargetServer.ScalarAsync(conn, "SELECT relkind::text FROM pg_catalog.pg_class WHERE oid = $1::text::regclass", _ct, name).ConfigureAwait(false);
            if (kind is "r") copySql += " WITH (FREEZE)";
        }
        await using (var writer = await conn.BeginTextImportAsync(copySql, _ct).ConfigureAwait(false))
        {
            // The dump's bytes are already COPY text: pass them through untouched, without decoding to chars.
            var raw = ((StreamWriter)writer).BaseStream;
            await foreach (var chunk in table.Chunks.Reader.ReadAllAsync(_ct).ConfigureAwait(false))
            {
                try { await raw.WriteAsync(chunk.Buffer.AsMemory(0, chunk.Length), _ct).ConfigureAwait(false); }
                finally { Release(chunk); }
            }
        }
        // Rows this transaction inserted, counted by the server itself (partitions included).
        var loaded = await TargetServer.ScalarAsync(conn,
            "SELECT coalesce(sum(n_tup_ins), 0)::bigint FROM pg_catalog.pg_stat_xact_all_tables WHERE relid = $1::text::regclass OR relid IN (SELECT relid FROM pg_catalog.pg_partition_tree($1::text::regclass))",
            _ct, name).ConfigureAwait(false);
        await tx.CommitAsync(_ct).ConfigureAwait(false);
        return (long)loaded!;
    }

    private void Release(CopyChunk chunk)
    {
        ArrayPool<byte>.Shared.Return(chunk.Buffer);
        _budget.Give(chunk.Length);
    }

    private void Drain(TableCopy table)
    {
        // The reader may still be writing this table's chunks; give their buffers back so it can move on and stop.
        _ = Task.Run(async () =>
        {
            try
            {
                await foreach (var chunk in table.Chunks.Reader.ReadAllAsync().ConfigureAwait(false))
                    Release(chunk);
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

/// <summary>
/// How tables are loaded: by default one connection per table, truncated in its loading transaction so
/// that minimal WAL skips logging and rows are written frozen. Splitting big tables over several
/// connections gives that up; on 2 cores it measured no faster, so it is off unless asked for.
/// </summary>
internal sealed record LoadStrategy(bool SplitBigTables);
