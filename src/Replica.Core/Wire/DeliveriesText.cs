using Replica.Core.Runs;

namespace Replica.Core.Wire;

/// <summary>A run's notifications as `replica logs` shows them, and their JSON on `GET /api/runs/{id}`.</summary>
public static class DeliveriesText
{
    public static void Write(IReadOnlyList<Delivery> deliveries, TextWriter o)
    {
        if (deliveries.Count == 0) return;
        o.WriteLine("notifications:");
        foreach (var d in deliveries)
        {
            o.WriteLine($"  {d.Notification} ({d.Event}): {d.Outcome}{(d.Ended is { } e ? $" at {e:yyyy-MM-dd'T'HH:mm:ss'Z'}" : "")}, {d.Attempts.Count} attempt(s)");
            foreach (var a in d.Attempts)
                o.WriteLine($"    {a.Attempt}. {a.At:yyyy-MM-dd'T'HH:mm:ss.fff'Z'} {a.Outcome}{(a.StatusCode is { } c ? $" (HTTP {c})" : "")}{(a.Message is null ? "" : " — " + a.Message)}");
        }
    }
}

public sealed record DeliveryAttemptJson(int Attempt, DateTimeOffset At, string Outcome, int? StatusCode, string? Message);

public sealed record DeliveryJson(string Notification, string Event, string Outcome, DateTimeOffset Created, DateTimeOffset? Ended,
    IReadOnlyList<DeliveryAttemptJson> Attempts)
{
    public static DeliveryJson From(Delivery d) => new(d.Notification, d.Event, d.Outcome, d.Created, d.Ended,
        d.Attempts.Select(a => new DeliveryAttemptJson(a.Attempt, a.At, a.Outcome, a.StatusCode, a.Message)).ToList());
}
