using System.Buffers;
using System.Threading.Channels;
using Npgsql;
using Replica.Postgres.Restore.Plain;

namespace Replica.Postgres.Restore.Loading;

/// <summary>
/// A pool of connections to one database that COPY tables in parallel, each table on one connection:
/// emptied in its loading transaction, so that minimal WAL skips logging and rows are written frozen.
/// (Splitting a big table over several connections gives both up; here it measured slower.) The reader
/// runs ahead within the restore's memory budget, so the other tables load while a big one still does.
/// </summary>
internal sealed class TableLoader : IAsyncDisposable
{
    private readonly Channel<TableCopy> _queue = Channel.CreateUnbounded<TableCopy>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly Task[] _workers;
    private readonly TargetServer _server;
    private readonly string _database;
    private readonly bool _binaryCopy;
    private readonly ByteBudget _budget;
    private readonly Func<TableCopy, Exception, Exception> _describe;
    private readonly CancellationToken _ct;
    private readonly TaskCompletionSource _failure = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Faults with the first loading failure, so the reader stops feeding a pool that lost a connection.</summary>
    public Task Failure => _failure.Task;

    public TableLoader(TargetServer server, string database, int jobs, bool binaryCopy, ByteBudget budget, Func<TableCopy, Exception, Exception> describe, CancellationToken ct)
    {
        _server = server; _database = database; _binaryCopy = binaryCopy; _budget = budget; _describe = describe; _ct = ct;
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
                long loaded = 0;
                try
                {
                    conn ??= await _server.OpenAsync(_database, _ct).ConfigureAwait(false);
                    if (!ReferenceEquals(applied, table.Settings))
                    {
                        foreach (var set in table.Settings.Statements) await TargetServer.ExecuteAsync(conn, set, _ct).ConfigureAwait(false);
                        applied = table.Settings;
                    }
                    await _server.Work.WaitAsync(_ct).ConfigureAwait(false);
                    try { loaded = await LoadAsync(conn, table).ConfigureAwait(false); }
                    finally { _server.Work.Release(); }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    var failure = _describe(table, e);
                    table.Done.TrySetException(failure);
                    _failure.TrySetException(failure);
                    Drain(table);
                    throw failure;
                }
                table.Loaded(loaded);
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
        var binary = _binaryCopy ? BinaryRows.For(await CopyColumnsAsync(conn, table).ConfigureAwait(false), table.Masking) : null;
        await using var tx = await conn.BeginTransactionAsync(_ct).ConfigureAwait(false);
        var copySql = table.Start.Text.TrimEnd(';');
        var with = new List<string>();
        if (binary is not null) with.Add("FORMAT binary");
        if (table.CreatedHere)
        {
            // A table emptied in this transaction needs no WAL under wal_level=minimal, and its rows can be
            // written frozen: index builds and foreign-key checks then skip setting hint bits on every row.
            await TargetServer.ExecuteAsync(conn, $"TRUNCATE ONLY {name}", _ct).ConfigureAwait(false);
            var kind = await TargetServer.ScalarAsync(conn, "SELECT relkind::text FROM pg_catalog.pg_class WHERE oid = $1::text::regclass", _ct, name).ConfigureAwait(false);
            if (kind is "r") with.Add("FREEZE");
        }
        if (with.Count > 0) copySql += $" WITH ({string.Join(", ", with)})";
        if (binary is null && table.Masking is { } masking)
        {
            await using var writer = await conn.BeginTextImportAsync(copySql, _ct).ConfigureAwait(false);
            var raw = ((StreamWriter)writer).BaseStream;
            var rows = new byte[2 << 20];
            await foreach (var chunk in table.Chunks.Reader.ReadAllAsync(_ct).ConfigureAwait(false))
            {
                int n;
                try { n = masking.RewriteText(chunk.Buffer.AsSpan(0, chunk.Length), ref rows); }
                catch (CopyValueException e) { throw new CopyValueException(chunk.FirstRow + e.Row, $"{e.Message.TrimEnd('.')} (COPY {name}, line {chunk.FirstRow + e.Row})"); }
                finally { Release(chunk); }
                await raw.WriteAsync(rows.AsMemory(0, n), _ct).ConfigureAwait(false);
            }
        }
        else if (binary is null)
        {
            await using var writer = await conn.BeginTextImportAsync(copySql, _ct).ConfigureAwait(false);
            // The dump's bytes are already COPY text: pass them through untouched, without decoding to chars.
            var raw = ((StreamWriter)writer).BaseStream;
            await foreach (var chunk in table.Chunks.Reader.ReadAllAsync(_ct).ConfigureAwait(false))
            {
                try { await raw.WriteAsync(chunk.Buffer.AsMemory(0, chunk.Length), _ct).ConfigureAwait(false); }
                finally { Release(chunk); }
            }
        }
        else
        {
            await using var raw = await conn.BeginRawBinaryCopyAsync(copySql, _ct).ConfigureAwait(false);
            var rows = new byte[2 << 20];
            BinaryRows.Header.CopyTo(rows);
            await raw.WriteAsync(rows.AsMemory(0, BinaryRows.Header.Length), _ct).ConfigureAwait(false);
            await foreach (var chunk in table.Chunks.Reader.ReadAllAsync(_ct).ConfigureAwait(false))
            {
                int n;
                try { n = binary.Convert(chunk.Buffer.AsSpan(0, chunk.Length), ref rows); }
                catch (CopyValueException e) { throw new CopyValueException(chunk.FirstRow + e.Row, $"{e.Message.TrimEnd('.')} (COPY {name}, line {chunk.FirstRow + e.Row})"); }
                finally { Release(chunk); }
                await raw.WriteAsync(rows.AsMemory(0, n), _ct).ConfigureAwait(false);
            }
            BinaryRows.Trailer.CopyTo(rows);
            await raw.WriteAsync(rows.AsMemory(0, BinaryRows.Trailer.Length), _ct).ConfigureAwait(false);
        }
        // Rows this transaction inserted, counted by the server itself (partitions included).
        var loaded = await TargetServer.ScalarAsync(conn,
            "SELECT coalesce(sum(n_tup_ins), 0)::bigint FROM pg_catalog.pg_stat_xact_all_tables WHERE relid = $1::text::regclass OR relid IN (SELECT relid FROM pg_catalog.pg_partition_tree($1::text::regclass))",
            _ct, name).ConfigureAwait(false);
        await tx.CommitAsync(_ct).ConfigureAwait(false);
        return (long)loaded!;
    }

    /// <summary>
    /// The COPY's columns and their types as the server sees them (a domain shows as its base type), or none
    /// when the statement has no plain column list or the server will not say; such tables load as text.
    /// </summary>
    private async Task<IReadOnlyList<(string Name, uint TypeOid)>> CopyColumnsAsync(NpgsqlConnection conn, TableCopy table)
    {
        var sql = table.Start.Text;
        int open = 5 + table.Start.Table.Length;
        const string tail = ") FROM stdin;";
        if (!sql.AsSpan(open).StartsWith(" (") || !sql.EndsWith(tail, StringComparison.Ordinal)) return [];
        var list = sql[(open + 2)..^tail.Length];
        try
        {
            await using var cmd = new NpgsqlCommand($"SELECT {list} FROM ONLY {table.Start.Table} LIMIT 0", conn);
            await using var r = await cmd.ExecuteReaderAsync(System.Data.CommandBehavior.SchemaOnly, _ct).ConfigureAwait(false);
            return Enumerable.Range(0, r.FieldCount).Select(i => (r.GetName(i), r.GetDataTypeOID(i))).ToList();
        }
        catch (PostgresException) { return []; }
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
