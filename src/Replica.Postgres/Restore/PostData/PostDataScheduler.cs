using Npgsql;

namespace Replica.Postgres.Restore.PostData;

/// <summary>
/// Runs one database's post-data statements on their own connections:
/// an index or key starts as soon as its table's data is committed (known early when the
/// post-data was read ahead), never two conflicting locks on one table at once, biggest tables
/// first; foreign keys once all data is in and every index and key is built; the rest one by
/// one in dump order at the end.
/// </summary>
internal sealed class PostDataScheduler : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly TargetServer _server;
    private readonly string _database;
    private readonly Func<DeferredStatement, Exception, Exception> _describe;
    private readonly CancellationTokenSource _stop;
    private readonly Queue<Session> _idle = new();
    private readonly List<Session> _sessions = [];
    private readonly List<DeferredStatement> _indexes = [];
    private readonly List<DeferredStatement> _foreignKeys = [];
    private readonly Queue<DeferredStatement> _inOrder = new();
    private readonly HashSet<string> _added = [];
    private readonly HashSet<string> _loaded = [];
    private readonly Dictionary<string, long> _sizes = [];
    private readonly Dictionary<string, int> _busy = [];          // table → running statements (-1: exclusively)
    private readonly List<Task> _running = [];
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _allLoaded, _allAdded, _disposed;
    private int _runningCount, _runningIndexes;

    public PostDataScheduler(TargetServer server, string database, int jobs, Func<DeferredStatement, Exception, Exception> describe, CancellationToken ct)
    {
        _server = server; _database = database; _describe = describe;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        for (int i = 0; i < Math.Max(1, jobs); i++) { var s = new Session(); _sessions.Add(s); _idle.Enqueue(s); }
    }

    /// <summary>Adds a statement (once: the read-ahead and the main reader may both offer it).</summary>
    public void Add(DeferredStatement s)
    {
        lock (_gate)
        {
            if (!_added.Add(s.Statement.Text)) return;
            switch (s.Kind)
            {
                case PostDataKind.Index: _indexes.Add(s); break;
                case PostDataKind.ForeignKey: _foreignKeys.Add(s); break;
                default: _inOrder.Enqueue(s); break;
            }
            Dispatch();
        }
    }

    /// <summary>A table's data is committed: its indexes and keys may be built.</summary>
    public void TableLoaded(string table, long bytes)
    {
        lock (_gate) { _loaded.Add(table); _sizes[table] = bytes; Dispatch(); }
    }

    public void AllDataLoaded() { lock (_gate) { _allLoaded = true; Dispatch(); } }

    /// <summary>Every post-data statement of the database has been added; wait for them to finish.</summary>
    public async Task CompleteAsync()
    {
        lock (_gate) { _allAdded = true; Dispatch(); }
        await _done.Task.ConfigureAwait(false);
    }

    private bool Free(DeferredStatement s) => s.Tables.All(t => !_busy.TryGetValue(t, out var b) || (b > 0 && s.SharesTable));

    private long Size(DeferredStatement s) => s.Tables.Count == 0 ? 0 : _sizes.GetValueOrDefault(s.Tables[0]);

    private DeferredStatement? Largest(List<DeferredStatement> candidates, Func<DeferredStatement, bool> ready)
    {
        DeferredStatement? best = null;
        foreach (var s in candidates)
            if ((best is null || Size(s) > Size(best)) && ready(s)) best = s;
        if (best is not null) candidates.Remove(best);
        return best;
    }

    /// <summary>Starts every ready statement on an idle connection; completes when nothing is left. Called under the lock.</summary>
    private void Dispatch()
    {
        if (_done.Task.IsCompleted || _disposed) return;
        while (_idle.Count > 0)
        {
            bool everythingIn = _allLoaded && _allAdded;
            var next = Largest(_indexes, s => Free(s) && (_allLoaded || (s.Tables.Count > 0 && s.Tables.All(_loaded.Contains))));
            if (next is null && everythingIn && _indexes.Count == 0 && _runningIndexes == 0)
                next = Largest(_foreignKeys, Free);
            if (next is null && everythingIn && _indexes.Count == 0 && _foreignKeys.Count == 0 && _runningCount == 0 && _inOrder.Count > 0)
                next = _inOrder.Dequeue();
            if (next is null) break;
            foreach (var t in next.Tables) _busy[t] = next.SharesTable ? _busy.GetValueOrDefault(t) + 1 : -1;
            var session = _idle.Dequeue();
            _runningCount++;
            if (next.Kind == PostDataKind.Index) _runningIndexes++;
            var statement = next;
            _running.Add(Task.Run(async () =>
            {
                Exception? failure = null;
                try { await session.RunAsync(_server, _database, statement, _describe, _stop.Token).ConfigureAwait(false); }
                catch (Exception e) { failure = e; }
                lock (_gate)
                {
                    _runningCount--;
                    if (statement.Kind == PostDataKind.Index) _runningIndexes--;
                    foreach (var t in statement.Tables)
                        if (_busy.TryGetValue(t, out var b) && b > 1) _busy[t] = b - 1; else _busy.Remove(t);
                    _idle.Enqueue(session);
                    if (failure is not null)
                    {
                        _stop.Cancel();
                        _done.TrySetException(failure is OperationCanceledException ? failure : _describe(statement, failure));
                        return;
                    }
                    Dispatch();
                }
            }));
        }
        if (_allLoaded && _allAdded && _indexes.Count == 0 && _foreignKeys.Count == 0 && _inOrder.Count == 0 && _runningCount == 0) _done.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        Task[] running;
        lock (_gate) { _disposed = true; running = [.. _running]; }
        _stop.Cancel();
        try { await Task.WhenAll(running).ConfigureAwait(false); } catch { /* reported through CompleteAsync */ }
        foreach (var s in _sessions) await s.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>One connection, opened on first use, with the session settings last applied on it.</summary>
    private sealed class Session : IAsyncDisposable
    {
        private NpgsqlConnection? _connection;
        private SessionSettings _applied = SessionSettings.Empty;

        public async Task RunAsync(TargetServer server, string database, DeferredStatement s, Func<DeferredStatement, Exception, Exception> describe, CancellationToken ct)
        {
            _connection ??= await server.OpenAsync(database, ct).ConfigureAwait(false);
            if (!ReferenceEquals(_applied, s.Settings))
            {
                foreach (var set in s.Settings.Statements) await TargetServer.ExecuteAsync(_connection, set, ct).ConfigureAwait(false);
                _applied = s.Settings;
            }
            await server.Work.WaitAsync(ct).ConfigureAwait(false);
            try { await TargetServer.ExecuteAsync(_connection, s.Statement.Text, ct).ConfigureAwait(false); }
            finally { server.Work.Release(); }
        }

        public async ValueTask DisposeAsync()
        {
            if (_connection is not null) await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
