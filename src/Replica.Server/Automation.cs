using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Replica.Core.Launch;
using Replica.Core.Runs;
using Replica.Core;
using Replica.Core.Schedules;
using Replica.Server.Api;
using Replica.Server.Expiry;
using Replica.Server.Notifications;
using Replica.Server.Schedules;

namespace Replica.Server;

/// <summary>What the server does on its own: schedules, notifications, expiry — each a hosted service on the injected clock.</summary>
internal static class Automation
{
    public static IServiceCollection AddAutomation(this IServiceCollection s, RunStore store)
    {
        s.AddSingleton(new DeliveryOptions());
        var client = s.AddHttpClient(WebhookSender.ClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers(); // the client's own logs would name the webhook URL
        client.AddResilienceHandler("delivery", (pipeline, context) =>
        {
            var o = context.ServiceProvider.GetRequiredService<DeliveryOptions>();
            // Backoff is about the receiver's real time, whatever clock the server's schedules run on.
            pipeline.TimeProvider = TimeProvider.System;
            pipeline.AddTimeout(o.Total)
                .AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = o.MaxRetries,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = o.Delay,
                    MaxDelay = TimeSpan.FromMinutes(1),
                })
                .AddTimeout(o.Attempt);
        });
        client.AddHttpMessageHandler(p => new AttemptRecorder(store, p.GetRequiredService<TimeProvider>()));
        s.AddSingleton<WebhookSender>();
        s.AddSingleton<Notifier>().AddHostedService(p => p.GetRequiredService<Notifier>());
        s.AddSingleton(p =>
        {
            var firing = new ScheduleFiring(p.GetRequiredService<RunLauncher>(), store, p.GetRequiredService<TimeProvider>());
            var status = p.GetRequiredService<StatusCache>();
            var notifier = p.GetRequiredService<Notifier>();
            firing.Fired += (fire, handle) =>
            {
                status.Invalidate();
                try { notifier.NotifyFire(fire); }
                catch (StateFolderException) { /* the fire itself is recorded, or the run store is unwritable for all */ }
                handle?.Completion.ContinueWith(_ => status.Invalidate(), TaskScheduler.Default);
            };
            return firing;
        });
        s.AddSingleton<Scheduler>().AddHostedService(p => p.GetRequiredService<Scheduler>());
        s.AddSingleton<ExpiryWatch>().AddHostedService(p => p.GetRequiredService<ExpiryWatch>());
        return s;
    }
}
