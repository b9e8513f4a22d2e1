using Npgsql;

namespace Replica.Postgres.Restore.PostData;

/// <summary>
/// Runs one database's post-data statements after its data: indexes and keys in parallel (largest
/// tables first, never two conflicting locks on one table at once), then foreign keys in parallel,
/// then the rest in dump order.
/// </summary>
internal sealed class PostDataRunner(TargetServer server, string database, int jobs, Func<DeferredStatement, Exception, Exception> describe)
{
    public async Task RunAsync(IReadOnlyList<DeferredStatement> statements, IReadOnlyDictionary<string, long> tableBytes, CancellationToken ct)
    {
        if (statements.Count == 0) return;
        long Size(DeferredStatement s) => s.Tables.Count == 0 ? 0 : tableBytes.GetValueOrDefault(s.Tables[0]);
        var connections = new List<Session>();
        try
        {
            int n = Math.Max(1, jobs);
            for (int i = 0; i < n; i++) connections.Add(new Session(await server.OpenAsync(database, ct).ConfigureAwait(false)));

            await RunParallelAsync(statements.Where(s => s.Kind == PostDataKind.Index).OrderByDescending(Size).ToList(), connections, ct).ConfigureAwait(false);
            await RunParallelAsync(statements.Where(s => s.Kind == PostDataKind.ForeignKey).OrderByDescending(Size).ToList(), connections, ct).ConfigureAwait(false);
            foreach (var s in statements.Where(s => s.Kind == PostDataKind.InOrder))
                await connections[0].RunAsync(s, describe, ct).ConfigureAwait(false);
        }
        finally
        {
            foreach (var c in connections) await c.Connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task RunParallelAsync(List<DeferredStatement> pending, List<Session> sessions, CancellationToken outer)
    {
        // On the first failure the statements still running are cancelled and awaited: a connection must be idle before it is closed.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(outer);
        var ct = stop.Token;
        var busy = new Dictionary<string, int>();        // table → running statements (-1: exclusively)
        var running = new Dictionary<Task, (Session Session, DeferredStatement Statement)>();
        var idle = new Queue<Session>(sessions);
        while (pending.Count > 0 || running.Count > 0)
        {
            while (idle.Count > 0)
            {
                int pick = pending.FindIndex(s => s.Tables.All(t => !busy.TryGetValue(t, out var b) || (b > 0 && s.SharesTable)));
                if (pick < 0) break;
                var next = pending[pick];
                pending.RemoveAt(pick);
                foreach (var t in next.Tables) busy[t] = next.SharesTable ? busy.GetValueOrDefault(t) + 1 : -1;
                var session = idle.Dequeue();
                running[session.RunAsync(next, describe, ct)] = (session, next);
            }
            if (running.Count == 0) break;
            var done = await Task.WhenAny(running.Keys).ConfigureAwait(false);
            var (doneSession, doneStatement) = running[done];
            running.Remove(done);
            foreach (var table in doneStatement.Tables)
                if (busy.TryGetValue(table, out var b) && b > 1) busy[table] = b - 1; else busy.Remove(table);
            idle.Enqueue(doneSession);
            if (done.IsFaulted || done.IsCanceled)
            {
                stop.Cancel();
                try { await Task.WhenAll(running.Keys).ConfigureAwait(false); } catch { /* the first failure is the one reported */ }
                await done.ConfigureAwait(false);
            }
        }
    }

    private sealed class Session(NpgsqlConnection connection)
    {
        public NpgsqlConnection Connection { get; } = connection;
        private SessionSettings _applied = SessionSettings.Empty;

        public async Task RunAsync(DeferredStatement s, Func<DeferredStatement, Exception, Exception> describe, CancellationToken ct)
        {
            try
            {
                if (!ReferenceEquals(_applied, s.Settings))
                {
                    foreach (var set in s.Settings.Statements) await TargetServer.ExecuteAsync(Connection, set, ct).ConfigureAwait(false);
                    _applied = s.Settings;
                }
                await TargetServer.ExecuteAsync(Connection, s.Statement.Text, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw describe(s, e);
            }
        }
    }
}
