using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Replica.Core.Progress;

namespace Replica.Core.Runs;

/// <summary>
/// A run's events, in one sequence shared by all runs, so that any client (the page, the API,
/// another process) replays a run from any point and then follows it. Log lines are also kept
/// in the log table (what `replica logs` reads), written in the same transaction.
/// </summary>
public sealed partial class RunStore
{
    internal static readonly JsonSerializerOptions EventJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Raised in this process after an event is stored (followers in other processes poll).</summary>
    public event Action? EventsAppended;

    /// <summary>Stores a log line (in the log and as an event); returns the event's sequence number.</summary>
    public long AppendLogEvent(string runId, string level, string message)
    {
        var now = DateTimeOffset.UtcNow;
        var seq = 0L;
        Write(c =>
        {
            using var log = c.CreateCommand();
            log.CommandText = "INSERT INTO log (run_id, at, level, message) VALUES ($id, $at, $l, $m)";
            log.Parameters.AddWithValue("$id", runId);
            log.Parameters.AddWithValue("$at", Time(now));
            log.Parameters.AddWithValue("$l", level);
            log.Parameters.AddWithValue("$m", message);
            log.ExecuteNonQuery();
            seq = InsertEvent(c, runId, now, RunEventKinds.Log, new { level, message });
        });
        EventsAppended?.Invoke();
        return seq;
    }

    /// <summary>Stores a step change or the run's end.</summary>
    public long AppendEvent(string runId, string kind, object data)
    {
        var seq = 0L;
        Write(c => seq = InsertEvent(c, runId, DateTimeOffset.UtcNow, kind, data));
        EventsAppended?.Invoke();
        return seq;
    }

    /// <summary>Stores a progress event and makes it the run's latest progress.</summary>
    public long AppendProgress(string runId, ProgressUpdate u)
    {
        var now = DateTimeOffset.UtcNow;
        var seq = 0L;
        Write(c =>
        {
            seq = InsertEvent(c, runId, now, RunEventKinds.Progress, new
            {
                step = u.Step, phase = u.Phase, item = u.Item, bytes_done = u.BytesDone, bytes_total = u.BytesTotal,
                files_done = u.FilesDone, files_total = u.FilesTotal, bytes_per_second = Math.Round(u.BytesPerSecond),
            });
            Execute(c, """
                INSERT INTO run_progress (run_id, at, step, phase, item, bytes_done, bytes_total, files_done, files_total, bytes_per_second)
                VALUES ($id, $at, $s, $p, $i, $bd, $bt, $fd, $ft, $r)
                ON CONFLICT(run_id) DO UPDATE SET at = $at, step = $s, phase = $p, item = $i, bytes_done = $bd, bytes_total = $bt,
                    files_done = $fd, files_total = $ft, bytes_per_second = $r
                """, ("$id", runId), ("$at", Time(now)), ("$s", u.Step), ("$p", u.Phase), ("$i", u.Item), ("$bd", u.BytesDone),
                ("$bt", u.BytesTotal), ("$fd", u.FilesDone), ("$ft", u.FilesTotal), ("$r", u.BytesPerSecond));
        });
        EventsAppended?.Invoke();
        return seq;
    }

    private static long InsertEvent(SqliteConnection c, string runId, DateTimeOffset at, string kind, object data)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "INSERT INTO run_events (run_id, at, kind, data) VALUES ($id, $at, $k, $d) RETURNING seq";
        cmd.Parameters.AddWithValue("$id", runId);
        cmd.Parameters.AddWithValue("$at", Time(at));
        cmd.Parameters.AddWithValue("$k", kind);
        cmd.Parameters.AddWithValue("$d", JsonSerializer.Serialize(data, EventJson));
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>A run's events after <paramref name="after"/>, oldest first.</summary>
    public IReadOnlyList<RunEvent> Events(string runId, long after = 0, int limit = 10_000) =>
        Query("SELECT seq, run_id, at, kind, data FROM run_events WHERE run_id = $id AND seq > $after ORDER BY seq LIMIT $limit",
            MapEvent, ("$id", runId), ("$after", after), ("$limit", limit));

    /// <summary>Every run's events after <paramref name="after"/>, oldest first (what a follower of all runs polls).</summary>
    public IReadOnlyList<RunEvent> EventsAfter(long after, int limit = 10_000) =>
        Query("SELECT seq, run_id, at, kind, data FROM run_events WHERE seq > $after ORDER BY seq LIMIT $limit",
            MapEvent, ("$after", after), ("$limit", limit));

    /// <summary>The newest event's sequence number, 0 when there is none.</summary>
    public long LastEventSeq() =>
        Query("SELECT COALESCE(MAX(seq), 0) FROM run_events", r => r.GetInt64(0)).FirstOrDefault();

    public RunProgress? LatestProgress(string runId) =>
        Query("SELECT at, step, phase, item, bytes_done, bytes_total, files_done, files_total, bytes_per_second FROM run_progress WHERE run_id = $id",
            r => new RunProgress(runId, ParseTime(r.GetString(0)), r.GetString(1), Text(r, 2), Text(r, 3), r.GetInt64(4),
                r.IsDBNull(5) ? null : r.GetInt64(5), r.GetInt64(6), r.IsDBNull(7) ? null : r.GetInt64(7), r.GetDouble(8)),
            ("$id", runId)).FirstOrDefault();

    private static RunEvent MapEvent(SqliteDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), ParseTime(r.GetString(2)), r.GetString(3), r.GetString(4));
}

public sealed partial class RunStore
{
    /// <summary>The process running a run (as recorded when it began), for cancelling it from another process; null when not running here.</summary>
    public Processes.ProcessIdentity? RunProcess(string runId) =>
        Query("SELECT r.pid, r.pid_start, l.host FROM runs r LEFT JOIN locks l ON l.run_id = r.id WHERE r.id = $id AND r.status = 'running'",
            r => (Pid: r.IsDBNull(0) ? 0 : r.GetInt32(0), Start: r.GetInt64(1), Host: r.IsDBNull(2) ? null : r.GetString(2)), ("$id", runId))
            .Where(p => p.Pid != 0 && (p.Host is null || p.Host == Environment.MachineName))
            .Select(p => (Processes.ProcessIdentity?)new Processes.ProcessIdentity(p.Pid, p.Start))
            .FirstOrDefault();
}
