using System.Globalization;
using System.Text.Json;
using Replica.Core.Processes;

namespace Replica.Core.Runs;

public sealed partial class RunStore
{
    public const string EndedWithoutFinishing = "ended without finishing (the process running it was killed or crashed)";

    /// <summary>
    /// Records a new run and takes the target's lock in one transaction. A lock held by a process
    /// that no longer exists on this host is taken over, and its run is recorded as failed.
    /// </summary>
    /// <exception cref="TargetBusyException">another live run holds the target.</exception>
    public RunRecord BeginRun(string target, string workflow, IReadOnlyDictionary<string, string?> parameters, string? launchedBy = null)
    {
        var now = DateTimeOffset.UtcNow;
        var id = $"{now.UtcDateTime:yyyyMMdd'T'HHmmss}-{Convert.ToHexString(Guid.NewGuid().ToByteArray(), 0, 2).ToLowerInvariant()}";
        var me = ProcessIdentity.Current;
        // A repair (what `status` does first) holds the lock for a moment only: wait for it rather than refuse.
        for (var attempt = 0; ; attempt++)
        {
            try { TakeLock(); break; }
            catch (TargetBusyException e) when (e.RunId.StartsWith("repair-", StringComparison.Ordinal) && attempt < 600) { Thread.Sleep(100); }
        }
        return new RunRecord(id, target, workflow, RunStatus.Running, now, null, parameters, null, launchedBy);

        void TakeLock() => Write(c =>
        {
            if (Holder(c, target) is { } holder)
            {
                if (holder.Alive)
                    throw new TargetBusyException(target, holder.RunId);
                FailAbandoned(c, holder.RunId);
                Execute(c, "DELETE FROM locks WHERE target = $t", ("$t", target));
            }
            Execute(c, "INSERT INTO runs (id, target, workflow, parameters, status, started, pid, pid_start, launched_by) VALUES ($id, $t, $w, $p, 'running', $s, $pid, $ps, $lb)",
                ("$id", id), ("$t", target), ("$w", workflow), ("$p", JsonSerializer.Serialize(parameters)), ("$s", Time(now)),
                ("$pid", me.Pid), ("$ps", me.StartTicks), ("$lb", launchedBy));
            Execute(c, "INSERT INTO locks (target, run_id, pid, pid_start, host, acquired) VALUES ($t, $id, $pid, $ps, $h, $a)",
                ("$t", target), ("$id", id), ("$pid", me.Pid), ("$ps", me.StartTicks), ("$h", Environment.MachineName), ("$a", Time(now)));
        });
    }

    /// <summary>
    /// Takes the target's lock for a repair outside any run (what `status` does first); null when a
    /// live run holds it (that run repairs for itself). Disposing releases it.
    /// </summary>
    public IDisposable? TryLockForRepair(string target)
    {
        var me = ProcessIdentity.Current;
        var id = $"repair-{me.Pid}-{Guid.NewGuid():N}"[..24];
        var taken = false;
        Write(c =>
        {
            if (Holder(c, target) is { } holder)
            {
                if (holder.Alive) return;
                FailAbandoned(c, holder.RunId);
                Execute(c, "DELETE FROM locks WHERE target = $t", ("$t", target));
            }
            Execute(c, "INSERT INTO locks (target, run_id, pid, pid_start, host, acquired) VALUES ($t, $id, $pid, $ps, $h, $a)",
                ("$t", target), ("$id", id), ("$pid", me.Pid), ("$ps", me.StartTicks), ("$h", Environment.MachineName), ("$a", Time(DateTimeOffset.UtcNow)));
            taken = true;
        });
        return taken ? new RepairLock(this, id) : null;
    }

    private sealed class RepairLock(RunStore store, string id) : IDisposable
    {
        public void Dispose() => store.Write(c => Execute(c, "DELETE FROM locks WHERE run_id = $id", ("$id", id)));
    }

    /// <summary>The run holding the target, if any, and whether its process still lives.</summary>
    public (string RunId, bool Alive)? LockHolder(string target)
    {
        if (!Exists) return null;
        return Guard(() =>
        {
            using var c = Open();
            return Holder(c, target);
        });
    }

    private static (string RunId, bool Alive)? Holder(Microsoft.Data.Sqlite.SqliteConnection c, string target)
    {
        using var q = c.CreateCommand();
        q.CommandText = "SELECT run_id, pid, pid_start, host FROM locks WHERE target = $t";
        q.Parameters.AddWithValue("$t", target);
        using var r = q.ExecuteReader();
        if (!r.Read()) return null;
        var alive = r.GetString(3) != Environment.MachineName || new ProcessIdentity(r.GetInt32(1), r.GetInt64(2)).IsAlive;
        return (r.GetString(0), alive);
    }

    /// <summary>
    /// Records every run of this host still marked running whose process is gone (killed, crashed)
    /// as failed, with the time it really ended (its last log line or step change), its running
    /// step failed too, and releases its lock. Returns the ids it ended.
    /// </summary>
    public IReadOnlyList<string> EndAbandonedRuns()
    {
        if (!Exists) return [];
        var ended = new List<string>();
        var candidates = Query("SELECT id, pid, pid_start FROM runs WHERE status = 'running'",
            r => (Id: r.GetString(0), Pid: r.IsDBNull(1) ? 0 : r.GetInt32(1), Start: r.GetInt64(2)));
        foreach (var run in candidates)
        {
            if (run.Pid != 0 && new ProcessIdentity(run.Pid, run.Start).IsAlive) continue;
            // Another host's run is alive as far as we can tell: only the lock row knows its host.
            var onOtherHost = Query("SELECT host FROM locks WHERE run_id = $id", r => r.GetString(0), ("$id", run.Id))
                .Any(h => h != Environment.MachineName);
            if (onOtherHost) continue;
            Write(c =>
            {
                FailAbandoned(c, run.Id);
                Execute(c, "DELETE FROM locks WHERE run_id = $id", ("$id", run.Id));
            });
            ended.Add(run.Id);
        }
        return ended;
    }

    private static void FailAbandoned(Microsoft.Data.Sqlite.SqliteConnection c, string runId)
    {
        // The run ended when it last wrote something; the time it is noticed would be a lie.
        Execute(c, """
            UPDATE runs SET status = 'failed', message = $m,
                ended = COALESCE((SELECT MAX(t) FROM (SELECT MAX(at) AS t FROM log WHERE run_id = $id
                                                     UNION ALL SELECT MAX(COALESCE(ended, started)) FROM steps WHERE run_id = $id)), started)
            WHERE id = $id AND status = 'running'
            """, ("$m", EndedWithoutFinishing), ("$id", runId));
        Execute(c, """
            UPDATE steps SET outcome = 'failed', message = $m,
                ended = COALESCE((SELECT MAX(at) FROM log WHERE run_id = $id), started)
            WHERE run_id = $id AND outcome = 'running'
            """, ("$m", EndedWithoutFinishing), ("$id", runId));
    }

    /// <summary>Ends a run and releases its target's lock.</summary>
    public void EndRun(string runId, string status, string? message) => Write(c =>
    {
        Execute(c, "UPDATE runs SET status = $s, ended = $e, message = $m WHERE id = $id",
            ("$s", status), ("$e", Time(DateTimeOffset.UtcNow)), ("$m", message), ("$id", runId));
        Execute(c, "DELETE FROM locks WHERE run_id = $id", ("$id", runId));
    });

    public int BeginStep(string runId, string name)
    {
        var seq = 0;
        Write(c =>
        {
            using var q = c.CreateCommand();
            q.CommandText = "SELECT COALESCE(MAX(seq), 0) + 1 FROM steps WHERE run_id = $id";
            q.Parameters.AddWithValue("$id", runId);
            seq = Convert.ToInt32(q.ExecuteScalar(), CultureInfo.InvariantCulture);
            Execute(c, "INSERT INTO steps (run_id, seq, name, started, outcome) VALUES ($id, $seq, $n, $s, 'running')",
                ("$id", runId), ("$seq", seq), ("$n", name), ("$s", Time(DateTimeOffset.UtcNow)));
        });
        return seq;
    }

    public void EndStep(string runId, int seq, string outcome, string? message) => Write(c => Execute(c, "UPDATE steps SET ended = $e, outcome = $o, message = $m WHERE run_id = $id AND seq = $seq",
            ("$e", Time(DateTimeOffset.UtcNow)), ("$o", outcome), ("$m", message), ("$id", runId), ("$seq", seq)));

    /// <summary>Appends a log line; returns its sequence number (increasing, what a follower resumes after).</summary>
    public long AppendLog(string runId, string level, string message)
    {
        return Guard(() =>
        {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "INSERT INTO log (run_id, at, level, message) VALUES ($id, $at, $l, $m) RETURNING id";
        cmd.Parameters.AddWithValue("$id", runId);
        cmd.Parameters.AddWithValue("$at", Time(DateTimeOffset.UtcNow));
        cmd.Parameters.AddWithValue("$l", level);
        cmd.Parameters.AddWithValue("$m", message);
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
        });
    }

    public RunRecord? FindRun(string runId) => QueryRuns("WHERE id = $a", runId).FirstOrDefault();

    public IReadOnlyList<RunRecord> ListRuns(string? target) =>
        target is null ? QueryRuns("") : QueryRuns("WHERE target = $a", target);

    public RunRecord? LastRun(string target) => QueryRuns("WHERE target = $a", target, limit: 1).FirstOrDefault();

    private List<RunRecord> QueryRuns(string where, string? arg = null, int? limit = null) =>
        Query($"SELECT id, target, workflow, status, started, ended, parameters, message, launched_by FROM runs {where} ORDER BY started DESC, id DESC{(limit is { } l ? $" LIMIT {l}" : "")}",
            r => new RunRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), ParseTime(r.GetString(4)), OptionalTime(r, 5),
                JsonSerializer.Deserialize<Dictionary<string, string?>>(r.GetString(6)) ?? [], Text(r, 7), Text(r, 8)),
            arg is null ? [] : [("$a", arg)]);

    public IReadOnlyList<StepRecord> Steps(string runId) =>
        Query("SELECT seq, name, started, ended, outcome, message FROM steps WHERE run_id = $id ORDER BY seq",
            r => new StepRecord(runId, r.GetInt32(0), r.GetString(1), ParseTime(r.GetString(2)), OptionalTime(r, 3), r.GetString(4), Text(r, 5)),
            ("$id", runId));

    /// <summary>A run's log lines, optionally only those after sequence number <paramref name="after"/>.</summary>
    public IReadOnlyList<LogLine> Log(string runId, long after = 0) =>
        Query("SELECT at, level, message, id FROM log WHERE run_id = $id AND id > $after ORDER BY id",
            r => new LogLine(ParseTime(r.GetString(0)), r.GetString(1), r.GetString(2), r.GetInt64(3)),
            ("$id", runId), ("$after", after));
}

/// <summary>Another live run holds the target's lock.</summary>
public sealed class TargetBusyException(string target, string runId)
    : RefusedException($"Target '{target}' is busy with run {runId}; wait for it to end (replica logs {runId}) and try again.")
{
    public string Target { get; } = target;
    public string RunId { get; } = runId;
}
