using System.Diagnostics;
using Npgsql;
using Replica.Postgres.Restore.Loading;
using Replica.Postgres.Restore.Plain;
using Replica.Postgres.Restore.PostData;

namespace Replica.Postgres.Restore;

/// <summary>
/// The part of a dump that belongs to one database: schema statements run in order on one
/// connection, table data goes to the parallel loader, post-data statements wait for the data.
/// </summary>
internal sealed class DatabaseRestore : IAsyncDisposable
{
    private static readonly HashSet<string> DataTypes = ["TABLE DATA", "SEQUENCE SET", "BLOB", "BLOBS", "BLOB DATA", "LARGE OBJECT", "BLOB METADATA"];

    private readonly RestoreContext _context;
    private readonly NpgsqlConnection _main;
    private readonly TableLoader _loader;
    private readonly List<TableCopy> _tables = [];
    private readonly PostDataScheduler _postData;
    private readonly HashSet<string> _createdTables = [];
    private readonly MissingRoles? _missingRoles;
    // Read only when masking: the masked columns' types and lengths, from the dump's own CREATE TABLE.
    private readonly Dictionary<(string Schema, string Name), Dumps.DumpTable> _definitions = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private SessionSettings _settings = SessionSettings.Empty;
    private TableCopy? _current;
    private TimeSpan? _dataStarted;

    public string Name { get; }
    public TimeSpan SchemaTime { get; private set; }
    public TimeSpan DataTime { get; private set; }
    public TimeSpan PostDataTime { get; private set; }
    public IReadOnlyList<TableCopy> Tables => _tables;

    private DatabaseRestore(RestoreContext context, string name, NpgsqlConnection main)
    {
        _context = context;
        Name = name;
        _main = main;
        _loader = new TableLoader(context.Server, name, context.Options.Jobs, context.Options.BinaryCopy, context.Budget, DescribeCopyFailure, context.Cancellation);
        _postData = new PostDataScheduler(context.Server, name, context.Options.Jobs, DescribeStatementFailure, context.Cancellation);
        context.ReadAhead?.Attach(name, _postData);
        if (context.Flavour != DumpFlavour.ClusterDump) _missingRoles = new MissingRoles(context.Log);
    }

    public static async Task<DatabaseRestore> OpenAsync(RestoreContext context, string name)
    {
        var main = await context.Server.OpenAsync(name, context.Cancellation).ConfigureAwait(false);
        context.Report(RestorePhase.Schema, null);
        return new DatabaseRestore(context, name, main);
    }

    /// <summary>Runs a statement now (schema, data-section statements) or holds it for after the data (post-data).</summary>
    public async Task StatementAsync(SqlStatement s)
    {
        var ct = _context.Cancellation;
        var type = s.Toc?.Type;
        var isData = type is not null && DataTypes.Contains(type);
        // Before it runs or is deferred: a grant that waits for the data still needs its role.
        if (_missingRoles is not null) await _missingRoles.EnsureAsync(_main, s.Text, ct).ConfigureAwait(false);
        if (SessionSettings.SettingOf(s.Text) is { } setting)
        {
            // Npgsql speaks UTF-8 only, and COPY data is passed through undecoded.
            if (setting == "client_encoding" && !s.Text.Contains("'UTF8'", StringComparison.OrdinalIgnoreCase) && !s.Text.Contains("'SQL_ASCII'", StringComparison.OrdinalIgnoreCase))
                throw _context.Failure(s.Line, "client_encoding", Name, new NotSupportedException($"the dump is encoded as {s.Text[(s.Text.IndexOf('=') + 1)..].Trim().TrimEnd(';')}, and only UTF8 dumps are supported"));
            _settings = _settings.With(setting, s.Text);
            await ExecuteAsync(s, s.Text).ConfigureAwait(false);
            return;
        }
        if (isData) MarkDataStarted();
        if (_dataStarted is not null && !isData)
        {
            _postData.Add(new DeferredStatement(s, _settings));
            return;
        }
        if (type == "TABLE" && s.Text.StartsWith("CREATE TABLE ", StringComparison.Ordinal))
        {
            int at = 13;
            if (s.Text.AsSpan(at).StartsWith("IF NOT EXISTS ")) at += 14;
            _createdTables.Add(QualifiedName.Read(s.Text, at));
            if (_context.Masking is not null && Dumps.CreateTableStatement.Parse(Name, s.Text) is { } definition)
                _definitions[(definition.Schema, definition.Name)] = definition;
        }

        var sql = s.Text;
        if (RoleStatements.CreatedRole(sql) is { } role &&
            await TargetServer.ScalarAsync(_main, "SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1", ct, role).ConfigureAwait(false) is not null)
        {
            _context.Log($"role {role} already exists on the server; kept it");
            return;
        }
        var kept = RoleStatements.KeepConnectingRole(sql, _context.Options.User);
        if (!ReferenceEquals(kept, sql))
        {
            _context.Log($"kept the password and login of {_context.Options.User}, the role replica connects as");
            if (kept.Length == 0) return;
            sql = kept;
        }
        await ExecuteAsync(s, sql).ConfigureAwait(false);
    }

    public void BeginCopy(CopyStart copy)
    {
        MarkDataStarted();
        // A profile that cannot mask this table fails here, before any of its rows is read or sent.
        var masking = _context.Masking?.ForCopy(Name, copy, _definitions);
        var table = _current = new TableCopy(copy, _settings, _createdTables.Contains(copy.Table)) { Masking = masking };
        _tables.Add(table);
        // Its indexes and keys may start as soon as its rows are committed, while other tables still load.
        table.Done.Task.ContinueWith(t => { if (t.IsCompletedSuccessfully) _postData.TableLoaded(copy.Table, table.Bytes); },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        if (masking is not null) _context.Masking!.VerifyWhenLoaded(masking, table.Done.Task, _context.Server, _context.Cancellation);
        _loader.Enqueue(_current);
        _context.Report(RestorePhase.Data, copy.Table);
    }

    public async Task CopyChunkAsync(CopyChunk chunk)
    {
        _context.ReportThrottled(RestorePhase.Data, chunk.Copy.Table);
        // A failed loader stops reading; its failure, not a wait for memory forever, must surface.
        var take = _context.Budget.TakeAsync(chunk.Length, _context.Cancellation);
        if (!take.IsCompletedSuccessfully)
        {
            var pending = take.AsTask();
            var first = await Task.WhenAny(pending, _loader.Failure).ConfigureAwait(false);
            if (first != pending) await _loader.Failure.ConfigureAwait(false);
            await pending.ConfigureAwait(false);
        }
        if (!_current!.Chunks.Writer.TryWrite(chunk))
        {
            // The table's loader failed and stopped taking chunks; its failure is reported by the loader.
            _context.Budget.Give(chunk.Length);
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk.Buffer);
            await _loader.Failure.ConfigureAwait(false);
        }
    }

    public void EndCopy(CopyEnd end)
    {
        _current!.ExpectedRows = end.Rows;
        _current.Bytes = end.Bytes;
        _current.Chunks.Writer.TryComplete();
        _current = null;
    }

    /// <summary>Waits for the data, then builds indexes and constraints and runs the rest of the post-data.</summary>
    public async Task FinishAsync()
    {
        var ct = _context.Cancellation;
        if (_dataStarted is null) { SchemaTime = _clock.Elapsed; _dataStarted = _clock.Elapsed; }
        await _loader.CompleteAsync().ConfigureAwait(false);
        var dataEnded = _clock.Elapsed;
        DataTime = dataEnded - _dataStarted.Value;
        _context.Report(RestorePhase.IndexesAndConstraints, null);
        _postData.AllDataLoaded();
        await _postData.CompleteAsync().ConfigureAwait(false);
        PostDataTime = _clock.Elapsed - dataEnded;
    }

    private void MarkDataStarted()
    {
        if (_dataStarted is not null) return;
        _dataStarted = _clock.Elapsed;
        SchemaTime = _clock.Elapsed;
    }

    private async Task ExecuteAsync(SqlStatement s, string sql)
    {
        try { await TargetServer.ExecuteAsync(_main, sql, _context.Cancellation).ConfigureAwait(false); }
        catch (Exception e) when (e is not OperationCanceledException) { throw _context.Failure(s.Line, Describe(s.Toc, s.Text), Name, e); }
    }

    private Exception DescribeCopyFailure(TableCopy t, Exception e)
    {
        long line = t.Start.Line;
        // The server names the COPY line that failed ("COPY t, line 5, column c: …"): map it back to the dump.
        if (e is CopyValueException v) line = t.Start.Line + CountLines(t.Start.Text) - 1 + v.Row;
        else if (e is PostgresException { Where: { } where } && where.IndexOf(", line ", StringComparison.Ordinal) is var at and >= 0)
        {
            var digits = new string(where[(at + 7)..].TakeWhile(char.IsDigit).ToArray());
            if (long.TryParse(digits, out var n)) line = t.Start.Line + CountLines(t.Start.Text) - 1 + n;
        }
        return _context.Failure(line, $"TABLE DATA {t.Start.Table}", Name, e);
    }

    private Exception DescribeStatementFailure(DeferredStatement d, Exception e) =>
        _context.Failure(d.Statement.Line, Describe(d.Statement.Toc, d.Statement.Text), Name, e);

    private static long CountLines(string s) => s.AsSpan().Count('\n') + 1;

    private static string Describe(TocEntry? toc, string sql)
    {
        if (toc is not null) return toc.Describe();
        var firstLine = sql.Split('\n')[0];
        return firstLine.Length > 60 ? $"statement \"{firstLine[..60]}…\"" : $"statement \"{firstLine.TrimEnd(';')}\"";
    }

    public async ValueTask DisposeAsync()
    {
        // A dump that ends inside a COPY (truncated, or a failure elsewhere) leaves that table's
        // loader waiting for more data: end it with an error so the loader stops and rolls back.
        _current?.Chunks.Writer.TryComplete(new EndOfStreamException("the restore stopped inside this table's data"));
        _current = null;
        await _loader.DisposeAsync().ConfigureAwait(false);
        await _postData.DisposeAsync().ConfigureAwait(false);
        await _main.DisposeAsync().ConfigureAwait(false);
    }
}
