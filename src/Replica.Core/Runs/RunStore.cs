using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Replica.Core.Runs;

/// <summary>
/// Run history, step records, run logs, per-target locks and what each target holds, in
/// one SQLite file under the state folder. Safe for several replica processes at once.
/// </summary>
public sealed class RunStore
{
    private readonly string _connectionString;
    public string Path { get; }

    public RunStore(string stateDirectory)
    {
        Directory.CreateDirectory(stateDirectory);
        Path = System.IO.Path.Combine(stateDirectory, "runs.sqlite");
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path, DefaultTimeout = 30, Pooling = false }.ToString();
        using var c = Open();
        Execute(c, """
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS runs (id TEXT PRIMARY KEY, target TEXT NOT NULL, workflow TEXT NOT NULL, parameters TEXT NOT NULL,
                status TEXT NOT NULL, started TEXT NOT NULL, ended TEXT, message TEXT, pid INTEGER);
            CREATE INDEX IF NOT EXISTS runs_target ON runs(target, started);
            CREATE TABLE IF NOT EXISTS steps (run_id TEXT NOT NULL, seq INTEGER NOT NULL, name TEXT NOT NULL, started TEXT NOT NULL,
                ended TEXT, outcome TEXT NOT NULL, message TEXT, PRIMARY KEY (run_id, seq));
            CREATE TABLE IF NOT EXISTS log (id INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL, at TEXT NOT NULL, level TEXT NOT NULL, message TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS log_run ON log(run_id, id);
            CREATE TABLE IF NOT EXISTS locks (target TEXT PRIMARY KEY, run_id TEXT NOT NULL, pid INTEGER NOT NULL, host TEXT NOT NULL, acquired TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS targets (target TEXT PRIMARY KEY, state TEXT NOT NULL, image_tag TEXT, backup_name TEXT, backup_time TEXT,
                last_run TEXT, updated TEXT NOT NULL);
            """);
    }

    private SqliteConnection Open()
    {
        var c = new SqliteConnection(_connectionString);
        c.Open();
        return c;
    }

    private static void Execute(SqliteConnection c, string sql, params (string, object?)[] args)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v ?? DBNull.Value);
        cmd.ExecuteNonQuery();
    }

    /// <summary>Runs a SELECT and maps each row.</summary>
    private List<T> Query<T>(string sql, Func<SqliteDataReader, T> map, params (string, object?)[] args)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v ?? DBNull.Value);
        using var r = cmd.ExecuteReader();
        var list = new List<T>();
        while (r.Read()) list.Add(map(r));
        return list;
    }

    private static string? Text(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    private static DateTimeOffset? OptionalTime(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : ParseTime(r.GetString(i));

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
    private static DateTimeOffset ParseTime(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    /// <summary>
    /// Records a new run and takes the target's lock in one transaction.
    /// A lock held by a process that no longer exists on this host is taken over and its run marked failed.
    /// </summary>
    /// <exception cref="RefusedException">another live run holds the target.</exception>
    public RunRecord BeginRun(string target, string workflow, IReadOnlyDictionary<string, string?> parameters)
    {
        var now = DateTimeOffset.UtcNow;
        var id = $"{now.UtcDateTime:yyyyMMdd'T'HHmmss}-{Convert.ToHexString(Guid.NewGuid().ToByteArray(), 0, 2).ToLowerInvariant()}";
        var pid = Environment.ProcessId;
        var host = Environment.MachineName;
        using var c = Open();
        using var tx = c.BeginTransaction(); // BEGIN IMMEDIATE: one writer decides who holds the lock
        using (var q = c.CreateCommand())
        {
            q.CommandText = "SELECT run_id, pid, host FROM locks WHERE target = $t";
            q.Parameters.AddWithValue("$t", target);
            using var r = q.ExecuteReader();
            if (r.Read())
            {
                var (holder, holderPid, holderHost) = (r.GetString(0), r.GetInt32(1), r.GetString(2));
                r.Close();
                if (holderHost != host || IsAlive(holderPid))
                    throw new RefusedException($"Target '{target}' is busy with run {holder}; wait for it to end (replica logs {holder}) and try again.");
                Execute(c, "UPDATE runs SET status = 'failed', ended = $e, message = 'the process running it ended without finishing (crashed or killed)' WHERE id = $id AND status = 'running'",
                    ("$e", Time(now)), ("$id", holder));
                Execute(c, "DELETE FROM locks WHERE target = $t", ("$t", target));
            }
        }
        Execute(c, "INSERT INTO runs (id, target, workflow, parameters, status, started, pid) VALUES ($id, $t, $w, $p, 'running', $s, $pid)",
            ("$id", id), ("$t", target), ("$w", workflow), ("$p", JsonSerializer.Serialize(parameters)), ("$s", Time(now)), ("$pid", pid));
        Execute(c, "INSERT INTO locks (target, run_id, pid, host, acquired) VALUES ($t, $id, $pid, $h, $a)",
            ("$t", target), ("$id", id), ("$pid", pid), ("$h", host), ("$a", Time(now)));
        tx.Commit();
        return new RunRecord(id, target, workflow, RunStatus.Running, now, null, parameters, null);
    }

    /// <summary>Ends a run and releases its target's lock.</summary>
    public void EndRun(string runId, string status, string? message)
    {
        using var c = Open();
        using var tx = c.BeginTransaction();
        Execute(c, "UPDATE runs SET status = $s, ended = $e, message = $m WHERE id = $id",
            ("$s", status), ("$e", Time(DateTimeOffset.UtcNow)), ("$m", message), ("$id", runId));
        Execute(c, "DELETE FROM locks WHERE run_id = $id", ("$id", runId));
        tx.Commit();
    }

    public int BeginStep(string runId, string name)
    {
        using var c = Open();
        using var tx = c.BeginTransaction();
        using var q = c.CreateCommand();
        q.CommandText = "SELECT COALESCE(MAX(seq), 0) + 1 FROM steps WHERE run_id = $id";
        q.Parameters.AddWithValue("$id", runId);
        var seq = Convert.ToInt32(q.ExecuteScalar(), CultureInfo.InvariantCulture);
        Execute(c, "INSERT INTO steps (run_id, seq, name, started, outcome) VALUES ($id, $seq, $n, $s, 'running')",
            ("$id", runId), ("$seq", seq), ("$n", name), ("$s", Time(DateTimeOffset.UtcNow)));
        tx.Commit();
        return seq;
    }

    public void EndStep(string runId, int seq, string outcome, string? message)
    {
        using var c = Open();
        Execute(c, "UPDATE steps SET ended = $e, outcome = $o, message = $m WHERE run_id = $id AND seq = $seq",
            ("$e", Time(DateTimeOffset.UtcNow)), ("$o", outcome), ("$m", message), ("$id", runId), ("$seq", seq));
    }

    public void AppendLog(string runId, string level, string message)
    {
        using var c = Open();
        Execute(c, "INSERT INTO log (run_id, at, level, message) VALUES ($id, $at, $l, $m)",
            ("$id", runId), ("$at", Time(DateTimeOffset.UtcNow)), ("$l", level), ("$m", message));
    }

    public RunRecord? FindRun(string runId) => QueryRuns("WHERE id = $a", runId).FirstOrDefault();

    public IReadOnlyList<RunRecord> ListRuns(string? target) =>
        target is null ? QueryRuns("") : QueryRuns("WHERE target = $a", target);

    public RunRecord? LastRun(string target) => QueryRuns("WHERE target = $a", target).FirstOrDefault();

    private List<RunRecord> QueryRuns(string where, string? arg = null) =>
        Query($"SELECT id, target, workflow, status, started, ended, parameters, message FROM runs {where} ORDER BY started DESC, id DESC",
            r => new RunRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), ParseTime(r.GetString(4)), OptionalTime(r, 5),
                JsonSerializer.Deserialize<Dictionary<string, string?>>(r.GetString(6)) ?? [], Text(r, 7)),
            arg is null ? [] : [("$a", arg)]);

    public IReadOnlyList<StepRecord> Steps(string runId) =>
        Query("SELECT seq, name, started, ended, outcome, message FROM steps WHERE run_id = $id ORDER BY seq",
            r => new StepRecord(runId, r.GetInt32(0), r.GetString(1), ParseTime(r.GetString(2)), OptionalTime(r, 3), r.GetString(4), Text(r, 5)),
            ("$id", runId));

    public IReadOnlyList<LogLine> Log(string runId) =>
        Query("SELECT at, level, message FROM log WHERE run_id = $id ORDER BY id",
            r => new LogLine(ParseTime(r.GetString(0)), r.GetString(1), r.GetString(2)),
            ("$id", runId));

    public void SaveTarget(TargetRecord t)
    {
        using var c = Open();
        Execute(c, """
            INSERT INTO targets (target, state, image_tag, backup_name, backup_time, last_run, updated) VALUES ($t, $s, $i, $bn, $bt, $lr, $u)
            ON CONFLICT(target) DO UPDATE SET state = $s, image_tag = $i, backup_name = $bn, backup_time = $bt, last_run = $lr, updated = $u
            """,
            ("$t", t.Target), ("$s", t.State), ("$i", t.ImageTag), ("$bn", t.BackupName),
            ("$bt", t.BackupTime is { } bt ? Time(bt) : null), ("$lr", t.LastRun), ("$u", Time(t.Updated)));
    }

    public TargetRecord? FindTarget(string target) =>
        Query("SELECT state, image_tag, backup_name, backup_time, last_run, updated FROM targets WHERE target = $t",
            r => new TargetRecord(target, r.GetString(0), Text(r, 1), Text(r, 2), OptionalTime(r, 3), Text(r, 4), ParseTime(r.GetString(5))),
            ("$t", target)).FirstOrDefault();

    public void ForgetTarget(string target)
    {
        using var c = Open();
        Execute(c, "DELETE FROM targets WHERE target = $t", ("$t", target));
    }

    private static bool IsAlive(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }
}
