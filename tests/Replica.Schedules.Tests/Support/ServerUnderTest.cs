using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Replica.Cli;
using Replica.Core.Access;
using Replica.Core.Config;
using Replica.Core.Runs;
using Replica.Server;
using Replica.Server.Notifications;

namespace Replica.Schedules.Tests.Support;

/// <summary>
/// `replica serve` in this process (real Kestrel on 127.0.0.1), its logs captured at every level
/// so a test can look for secrets in them; delivery retries shortened so a test sees several.
/// </summary>
public sealed class ServerUnderTest : IAsyncDisposable
{
    public ReplicaConfig Config { get; }
    public RunStore Store { get; }
    public WebApplication App { get; }
    public Uri Url { get; }
    public HttpClient Admin { get; }
    public ConcurrentQueue<string> Logs { get; } = new();

    private ServerUnderTest(ReplicaConfig config, WebApplication app, ConcurrentQueue<string> logs)
    {
        Config = config;
        Store = new RunStore(config.StateDirectory);
        App = app;
        Logs = logs;
        Url = new Uri(app.Urls.First());
        Admin = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromMinutes(3) };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", new AccessTokens(Store).Create("admin", Role.Admin, []));
    }

    public static async Task<ServerUnderTest> StartAsync(ReplicaConfig config, TimeProvider? clock = null, DeliveryOptions? delivery = null,
        Action<WebApplication>? beforeStart = null)
    {
        var logs = new ConcurrentQueue<string>();
        var app = ReplicaServer.Build(config, new PlatformFactory(), new IPEndPoint(IPAddress.Loopback, 0),
            l => l.AddProvider(new CapturingLogs(logs)).SetMinimumLevel(LogLevel.Trace),
            s =>
            {
                s.AddSingleton(delivery ?? new DeliveryOptions(MaxRetries: 3, FirstDelay: TimeSpan.FromMilliseconds(200), AttemptTimeout: TimeSpan.FromSeconds(5), TotalTimeout: TimeSpan.FromSeconds(60)));
                if (clock is not null) s.AddSingleton(clock);
            });
        beforeStart?.Invoke(app);
        await app.StartAsync();
        return new ServerUnderTest(config, app, logs);
    }

    public async Task<string> LaunchAsync(string target, string body)
    {
        var r = await Admin.PostAsync($"/api/targets/{target}/runs", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.Accepted, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }

    public async Task<RunRecord> EndedAsync(string runId) =>
        await Eventually.GetAsync(() => Store.FindRun(runId) is { Status: not RunStatus.Running } r ? r : null, $"run {runId} ending", 180);

    /// <summary>Waits until every delivery of the run has ended, and returns them.</summary>
    public async Task<IReadOnlyList<Delivery>> DeliveriesAsync(string runId, int count) =>
        await Eventually.GetAsync(() => Store.Deliveries(runId) is { } d && d.Count >= count && d.All(x => x.Outcome != DeliveryOutcomes.Pending) ? d : null,
            $"{count} deliveries of run {runId} ending");

    /// <summary>Every byte the run store holds on disk (the database and its write-ahead log), as text.</summary>
    public string StoreBytes()
    {
        // The write-ahead log first: when SQLite checkpoints and removes it meanwhile, its pages are in the main file read after.
        var text = new StringBuilder();
        foreach (var f in Directory.GetFiles(Config.StateDirectory, "runs.sqlite*").OrderByDescending(f => f.Length))
        {
            try { text.Append(Encoding.UTF8.GetString(File.ReadAllBytes(f))); }
            catch (FileNotFoundException) { }
        }
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await App.StopAsync();
        await App.Services.GetRequiredService<Replica.Core.Launch.RunLauncher>().CancelAllAsync();
        await App.DisposeAsync();
    }

    private sealed class CapturingLogs(ConcurrentQueue<string> into) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, into);
        public void Dispose() { }

        private sealed class Logger(string category, ConcurrentQueue<string> into) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                into.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
        }
    }
}
