using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Replica.Kubernetes.Tests.Simulation.Kubelet;

/// <summary>
/// A container's httpGet or tcpSocket readiness probe, run for real against where the pod says it
/// listens (SimulatedPod.Serve). Exec probes, and pods that serve nothing, cannot be run here; for
/// them the simulation assumes the probe passes.
/// </summary>
public sealed class ReadinessProbe
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler
    {
        // Probes do not follow the cluster's TLS: kubelet skips certificate checks for HTTPS probes too.
        SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
    });

    private readonly JsonObject _probe;
    private ReadinessProbe(JsonObject probe) => _probe = probe;

    public int FailureThreshold => (int?)_probe["failureThreshold"] is int n and > 0 ? n : 3;

    public static ReadinessProbe? For(JsonObject container) =>
        container["readinessProbe"] is JsonObject probe && (probe["httpGet"] is JsonObject || probe["tcpSocket"] is JsonObject)
            ? new ReadinessProbe(probe)
            : null;

    /// <summary>null when it passed, else kubelet's message ("HTTP probe failed with statuscode: 503", a connection error).</summary>
    public async Task<string?> CheckAsync(string host, int port, CancellationToken ct)
    {
        var timeout = TimeSpan.FromSeconds((int?)_probe["timeoutSeconds"] is int t and > 0 ? t : 1);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        if (_probe["tcpSocket"] is not null)
        {
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(host, port, limit.Token);
                return null;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
            {
                return $"dial tcp {host}:{port}: {e.Message}";
            }
        }
        var get = (JsonObject)_probe["httpGet"]!;
        var scheme = ((string?)get["scheme"] ?? "HTTP").ToLowerInvariant();
        var path = (string?)get["path"] ?? "/";
        var url = $"{scheme}://{host}:{port}{(path.StartsWith('/') ? path : "/" + path)}";
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        foreach (var header in (get["httpHeaders"] as JsonArray)?.OfType<JsonObject>() ?? [])
            request.Headers.TryAddWithoutValidation((string?)header["name"] ?? "", (string?)header["value"] ?? "");
        try
        {
            using var response = await Http.SendAsync(request, limit.Token);
            var code = (int)response.StatusCode;
            return code is >= 200 and < 400 ? null : $"HTTP probe failed with statuscode: {code}";
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return $"Get \"{url}\": {(e is OperationCanceledException ? "context deadline exceeded" : e.Message)}";
        }
    }
}
