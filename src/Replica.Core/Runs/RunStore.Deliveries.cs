namespace Replica.Core.Runs;

/// <summary>One notification sent (or being sent) about a run or a target, with each attempt. Never holds the URL or the secret.</summary>
/// <param name="Subject">what an `expiring` message was about (the expiry time), so it is sent once.</param>
/// <param name="Outcome">pending, delivered or failed (every attempt failed within the bounded time).</param>
public sealed record Delivery(string Id, string? RunId, string Target, string Notification, string Event, string? Subject,
    DateTimeOffset Created, string Outcome, DateTimeOffset? Ended, IReadOnlyList<DeliveryAttempt> Attempts);

/// <param name="Outcome">succeeded or failed.</param>
/// <param name="Message">what went wrong, in words that name no URL (an HTTP status, a connection error).</param>
public sealed record DeliveryAttempt(int Attempt, DateTimeOffset At, string Outcome, int? StatusCode, string? Message);

public static class DeliveryOutcomes
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
    public const string Succeeded = "succeeded";
}

public sealed partial class RunStore
{
    public string BeginDelivery(string? runId, string target, string notification, string @event, string? subject, DateTimeOffset at)
    {
        var id = Guid.NewGuid().ToString("N")[..16];
        Write(c => Execute(c, """
            INSERT INTO deliveries (id, run_id, target, notification, event, subject, created, outcome) VALUES ($id, $r, $t, $n, $e, $s, $c, 'pending')
            """, ("$id", id), ("$r", runId), ("$t", target), ("$n", notification), ("$e", @event), ("$s", subject), ("$c", Time(at))));
        return id;
    }

    public void RecordAttempt(string deliveryId, DeliveryAttempt a) => Write(c => Execute(c, """
        INSERT OR REPLACE INTO delivery_attempts (delivery_id, attempt, at, outcome, status_code, message) VALUES ($d, $n, $a, $o, $s, $m)
        """, ("$d", deliveryId), ("$n", a.Attempt), ("$a", Time(a.At)), ("$o", a.Outcome), ("$s", a.StatusCode), ("$m", a.Message)));

    public int AttemptCount(string deliveryId) =>
        Query("SELECT count(*) FROM delivery_attempts WHERE delivery_id = $d", r => r.GetInt32(0), ("$d", deliveryId)).FirstOrDefault();

    public void EndDelivery(string deliveryId, string outcome, DateTimeOffset at) => Write(c => Execute(c,
        "UPDATE deliveries SET outcome = $o, ended = $e WHERE id = $d", ("$o", outcome), ("$e", Time(at)), ("$d", deliveryId)));

    /// <summary>A run's deliveries, oldest first, each with its attempts.</summary>
    public IReadOnlyList<Delivery> Deliveries(string runId) => QueryDeliveries("WHERE run_id = $a", runId);

    /// <summary>Whether a notification about this subject (an expiry time) was already begun for the target.</summary>
    public bool DeliveryExists(string target, string notification, string @event, string subject) =>
        Query("SELECT 1 FROM deliveries WHERE target = $t AND notification = $n AND event = $e AND subject = $s LIMIT 1", _ => 1,
            ("$t", target), ("$n", notification), ("$e", @event), ("$s", subject)).Count > 0;

    private List<Delivery> QueryDeliveries(string where, string arg)
    {
        var rows = Query($"SELECT id, run_id, target, notification, event, subject, created, outcome, ended FROM deliveries {where} ORDER BY created, id",
            r => (Id: r.GetString(0), Run: Text(r, 1), Target: r.GetString(2), Notification: r.GetString(3), Event: r.GetString(4),
                Subject: Text(r, 5), Created: ParseTime(r.GetString(6)), Outcome: r.GetString(7), Ended: OptionalTime(r, 8)), ("$a", arg));
        return rows.Select(d => new Delivery(d.Id, d.Run, d.Target, d.Notification, d.Event, d.Subject, d.Created, d.Outcome, d.Ended,
            Query("SELECT attempt, at, outcome, status_code, message FROM delivery_attempts WHERE delivery_id = $d ORDER BY attempt",
                r => new DeliveryAttempt(r.GetInt32(0), ParseTime(r.GetString(1)), r.GetString(2), r.IsDBNull(3) ? null : r.GetInt32(3), Text(r, 4)),
                ("$d", d.Id)))).ToList();
    }
}
