using Replica.Core.Runs;

namespace Replica.Server.Notifications;

/// <summary>
/// Inside the retry pipeline, so it sees every attempt: records each one on its delivery with its
/// HTTP status or the kind of error — in words that never include the URL.
/// </summary>
internal sealed class AttemptRecorder(RunStore store, TimeProvider clock) : DelegatingHandler
{
    public static readonly HttpRequestOptionsKey<DeliveryTicket> Ticket = new("replica.delivery");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        request.Options.TryGetValue(Ticket, out var ticket);
        var attempt = ticket is null ? 0 : Interlocked.Increment(ref ticket.Attempts);
        try
        {
            var response = await base.SendAsync(request, ct);
            if (ticket is not null)
                Record(ticket, attempt, response.IsSuccessStatusCode ? DeliveryOutcomes.Succeeded : DeliveryOutcomes.Failed, (int)response.StatusCode,
                    response.IsSuccessStatusCode ? null : $"the receiver answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            return response;
        }
        catch (Exception e) when (ticket is not null)
        {
            Record(ticket, attempt, DeliveryOutcomes.Failed, null, Describe(e, ct));
            throw;
        }
    }

    private void Record(DeliveryTicket ticket, int attempt, string outcome, int? status, string? message)
    {
        try { store.RecordAttempt(ticket.DeliveryId, new DeliveryAttempt(attempt, clock.GetUtcNow(), outcome, status, message)); }
        catch (StateFolderException) { }
    }

    /// <summary>An exception's message may carry the host and port; its kind says enough.</summary>
    internal static string Describe(Exception e, CancellationToken ct) => e switch
    {
        OperationCanceledException when ct.IsCancellationRequested => "no answer within the attempt's time limit, or the server stopped",
        OperationCanceledException or TimeoutException => "no answer within the attempt's time limit",
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => "the receiver could not be reached (connection refused or reset)",
        HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError } => "the receiver's host name did not resolve",
        HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } => "the TLS handshake with the receiver failed",
        HttpRequestException h => $"the request failed ({h.HttpRequestError})",
        _ => $"the request failed ({e.GetType().Name})",
    };
}

/// <summary>Which delivery a request belongs to, and how many attempts it has had.</summary>
internal sealed class DeliveryTicket(string deliveryId)
{
    public string DeliveryId { get; } = deliveryId;
    public int Attempts;
}
