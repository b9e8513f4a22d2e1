using System.Net.Http.Headers;
using Replica.Core;
using Replica.Core.Notifications;
using Replica.Core.Runs;

namespace Replica.Server.Notifications;

/// <summary>
/// Posts one message to a notification's webhook through the named client whose resilience
/// pipeline retries with backoff for a bounded time, and records the delivery's outcome.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory clients, RunStore store, TimeProvider clock)
{
    public const string ClientName = "replica-notifications";

    public async Task SendAsync(NotificationConfig notification, string deliveryId, byte[] body, CancellationToken ct)
    {
        var delivered = false;
        try
        {
            Uri url;
            string? secret;
            try { (url, secret) = (notification.Url(), notification.Secret()); }
            catch (RefusedException e)
            {
                // Names the key and the variable, never a value.
                store.RecordAttempt(deliveryId, new DeliveryAttempt(1, clock.GetUtcNow(), DeliveryOutcomes.Failed, null, e.Message));
                return;
            }
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            if (secret is not null) request.Headers.TryAddWithoutValidation(Signature.Header, Signature.Of(body, secret));
            request.Options.Set(AttemptRecorder.Ticket, new DeliveryTicket(deliveryId));
            using var response = await clients.CreateClient(ClientName).SendAsync(request, ct);
            delivered = response.IsSuccessStatusCode;
        }
        catch (Exception) { /* each attempt's failure is recorded by AttemptRecorder; the delivery failed */ }
        finally
        {
            try { store.EndDelivery(deliveryId, delivered ? DeliveryOutcomes.Delivered : DeliveryOutcomes.Failed, clock.GetUtcNow()); }
            catch (StateFolderException) { }
        }
    }
}
