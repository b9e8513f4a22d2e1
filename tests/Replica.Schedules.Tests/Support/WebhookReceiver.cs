using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Replica.Schedules.Tests.Support;

/// <summary>
/// A real HTTP receiver for webhooks (Kestrel on 127.0.0.1, a free port): records every request
/// it gets and answers each path with the status codes queued for it (200 once they run out).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public sealed record Received(string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body)
    {
        public string Text => System.Text.Encoding.UTF8.GetString(Body);
    }

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<int>> _answers = new();
    private readonly Channel<Received> _received = Channel.CreateUnbounded<Received>();
    public ConcurrentQueue<Received> All { get; } = new();
    public Uri Url { get; private set; } = null!;

    private WebhookReceiver()
    {
        var b = WebApplication.CreateSlimBuilder();
        b.Logging.ClearProviders();
        b.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _app = b.Build();
        _app.MapPost("/{**path}", async (HttpContext http) =>
        {
            using var ms = new MemoryStream();
            await http.Request.Body.CopyToAsync(ms);
            var r = new Received(http.Request.Path.Value!, http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), ms.ToArray());
            All.Enqueue(r);
            _received.Writer.TryWrite(r);
            var status = _answers.TryGetValue(r.Path, out var q) && q.TryDequeue(out var s) ? s : 200;
            return Results.StatusCode(status);
        });
    }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var r = new WebhookReceiver();
        await r._app.StartAsync();
        r.Url = new Uri(r._app.Urls.First());
        return r;
    }

    public string UrlOf(string path) => new Uri(Url, path).ToString();

    public void Answer(string path, params int[] statuses) => _answers[path] = new ConcurrentQueue<int>(statuses);

    /// <summary>The next request that matches, within a generous limit (a failure, not a timing assertion).</summary>
    public async Task<Received> NextAsync(Func<Received, bool>? match = null, int seconds = 60)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        while (true)
        {
            Received r;
            try { r = await _received.Reader.ReadAsync(limit.Token); }
            catch (OperationCanceledException) { throw new TimeoutException($"no matching webhook request arrived within {seconds} s; got {All.Count}: {string.Join(" | ", All.Select(a => a.Path + " " + a.Text[..Math.Min(120, a.Text.Length)]))}"); }
            if (match is null || match(r)) return r;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
