using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Replica.Core.Config;
using Replica.Core.Notifications;
using Replica.Core.Runs;
using Replica.Server.Events;

namespace Replica.Server.Notifications;

/// <summary>
/// Sends `notifications:` for every run the server sees start or end — the runs it launches
/// (page, API, schedules, expiry) and the runs it observes in the shared run store (the CLI's),
/// as long as it is running — and the `expiring` warnings the expiry watch asks for. Deliveries
/// run beside the runs: a slow or dead receiver never delays or changes a run.
/// </summary>
public sealed class Notifier(ReplicaConfig config, ServerConfig server, RunStore store, RunEventFeed feed, WebhookSender sender,
    TimeProvider clock, ILogger<Notifier> log) : BackgroundService
{
    private readonly ConcurrentDictionary<string, byte> _seen = new();
    private readonly ConcurrentDictionary<Task, byte> _sending = new();
    private CancellationToken _stopping;

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        _stopping = stop;
        if (config.Notifications.Count == 0) return;
        using var all = feed.FollowAll();
        try
        {
            await foreach (var e in all.Events.ReadAllAsync(stop))
            {
                try { Observe(e); }
                catch (Exception x) when (x is not OperationCanceledException) { log.LogWarning("notifications for run {Run} not sent: {Error}", e.RunId, x.Message); }
            }
        }
        catch (OperationCanceledException) { }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try { await Task.WhenAll(_sending.Keys).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None); }
        catch (Exception) { /* each delivery records its own end */ }
    }

    private void Observe(RunEvent e)
    {
        if (e.Kind == RunEventKinds.End)
        {
            _seen.TryRemove(e.RunId, out _);
            var status = JsonDocument.Parse(e.Data).RootElement.GetProperty("status").GetString();
            if (status is RunStatus.Succeeded or RunStatus.Failed or RunStatus.Cancelled) PostRun(e.RunId, status);
            return;
        }
        if (!_seen.TryAdd(e.RunId, 0)) return;
        // A run is 'started' when its very first event is seen (not when the server first hears of a run already under way).
        if (store.Events(e.RunId, 0, 1) is [var first] && first.Seq == e.Seq) PostRun(e.RunId, NotificationEvents.Started);
    }

    private void PostRun(string runId, string @event)
    {
        if (store.FindRun(runId) is not { } run) return;
        var wanted = config.Notifications.Values.Where(n => n.Wants(@event, run.Target)).ToList();
        if (wanted.Count == 0) return;
        var facts = RunFacts.Read(store, run);
        foreach (var n in wanted)
        {
            var id = store.BeginDelivery(run.Id, run.Target, n.Name, @event, null, clock.GetUtcNow());
            Send(n, id, NotificationMessage.ForRun(facts, @event, n.Format, server.PublicUrl));
        }
    }

    /// <summary>Warns each notification that wants `expiring` once per expiry time, from its lead time on.</summary>
    public void NotifyExpiring(string target, DateTimeOffset expires, DateTimeOffset now)
    {
        var subject = expires.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var n in config.Notifications.Values.Where(n => n.Wants(NotificationEvents.Expiring, target)))
        {
            if (now < expires.AddHours(-n.ExpiringLeadHours) || store.DeliveryExists(target, n.Name, NotificationEvents.Expiring, subject)) continue;
            var id = store.BeginDelivery(null, target, n.Name, NotificationEvents.Expiring, subject, now);
            Send(n, id, NotificationMessage.ForExpiring(target, expires, now, n.Format, server.PublicUrl));
        }
    }

    /// <summary>A schedule's fire refused or failed before any run existed: `failed` notifications hear of it. (A skipped fire — the target was busy — is only recorded.)</summary>
    public void NotifyFire(ScheduleFire fire)
    {
        if (fire.Outcome is not (FireOutcomes.Refused or FireOutcomes.Failed) || !config.Schedules.TryGetValue(fire.Schedule, out var schedule)) return;
        var subject = $"schedule:{fire.Schedule}@{fire.FireTime.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}";
        foreach (var n in config.Notifications.Values.Where(n => n.Wants(NotificationEvents.Failed, schedule.Target)))
        {
            var id = store.BeginDelivery(null, schedule.Target, n.Name, NotificationEvents.Failed, subject, clock.GetUtcNow());
            Send(n, id, NotificationMessage.ForRefusedFire(schedule, fire, n.Format, server.PublicUrl));
        }
    }

    private void Send(NotificationConfig n, string deliveryId, byte[] body)
    {
        var task = Task.Run(() => sender.SendAsync(n, deliveryId, body, _stopping));
        _sending[task] = 0;
        _ = task.ContinueWith(t => _sending.TryRemove(t, out _), TaskScheduler.Default);
    }
}
