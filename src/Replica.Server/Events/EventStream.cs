using System.Text;
using Microsoft.AspNetCore.Http;
using Replica.Core.Runs;

namespace Replica.Server.Events;

/// <summary>
/// A run's events as Server-Sent Events: replayed from the store after the client's last event
/// id, then followed live, ending with `end`. Each event's data is its JSON object with its
/// `seq` and `run_id`.
/// </summary>
public static class EventStream
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan CheckEnded = TimeSpan.FromSeconds(2);

    public static async Task WriteAsync(HttpContext http, RunStore store, RunEventFeed feed, string runId, long after)
    {
        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no"; // a proxy must pass each event on at once
        var ct = http.RequestAborted;
        using var follow = feed.Follow(runId); // before the replay: nothing falls between the two
        var last = after;
        async Task<bool> Send(RunEvent e)
        {
            if (e.Seq <= last) return false;
            last = e.Seq;
            await response.WriteAsync(Format(e), ct);
            return e.Kind == RunEventKinds.End;
        }
        try
        {
            await response.WriteAsync(": replica run events\n\n", ct);
            foreach (var e in store.Events(runId, after))
                if (await Send(e)) { await response.Body.FlushAsync(ct); return; }
            await response.Body.FlushAsync(ct);
            var idle = TimeSpan.Zero;
            while (!ct.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                wait.CancelAfter(CheckEnded);
                try
                {
                    await follow.Events.WaitToReadAsync(wait.Token);
                    idle = TimeSpan.Zero;
                    while (follow.Events.TryRead(out var e))
                        if (await Send(e)) { await response.Body.FlushAsync(ct); return; }
                    await response.Body.FlushAsync(ct);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    idle += CheckEnded;
                    // A run whose process died never writes `end`: say so from its record.
                    if (store.FindRun(runId) is { Status: not RunStatus.Running } run && store.Events(runId, last).Count == 0)
                    {
                        await response.WriteAsync(Format(new RunEvent(last, runId, run.Ended ?? DateTimeOffset.UtcNow, RunEventKinds.End,
                            System.Text.Json.JsonSerializer.Serialize(new { status = run.Status, message = run.Message }, SnakeCase))), ct);
                        await response.Body.FlushAsync(ct);
                        return;
                    }
                    if (idle >= Heartbeat) { idle = TimeSpan.Zero; await response.WriteAsync(": keep-alive\n\n", ct); await response.Body.FlushAsync(ct); }
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { /* the client left */ }
        catch (IOException) when (ct.IsCancellationRequested) { }
    }

    private static readonly System.Text.Json.JsonSerializerOptions SnakeCase = new() { PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower };

    public static string Format(RunEvent e)
    {
        var head = $"{{\"seq\":{e.Seq},\"run_id\":{System.Text.Json.JsonSerializer.Serialize(e.RunId)},\"at\":\"{e.At.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}\"";
        var body = e.Data.Length > 2 ? "," + e.Data[1..] : "}";
        var sb = new StringBuilder();
        sb.Append("id: ").Append(e.Seq).Append('\n');
        sb.Append("event: ").Append(e.Kind).Append('\n');
        sb.Append("data: ").Append(head).Append(body).Append("\n\n");
        return sb.ToString();
    }
}
