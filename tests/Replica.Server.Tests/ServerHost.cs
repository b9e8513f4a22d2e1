using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Replica.Cli;
using Replica.Core.Access;
using Replica.Core.Config;
using Replica.Core.Runs;
using Replica.Server;

namespace Replica.Server.Tests;

/// <summary>
/// A real `replica serve` (Kestrel on 127.0.0.1, a free port) over a throw-away copy of the
/// sample production data, with local targets whose runs start real PostgreSQL servers.
/// The stack waits a few seconds before it answers, so a run lasts long enough to be watched,
/// reloaded and cancelled.
/// </summary>
public sealed class ServerHost : IAsyncDisposable
{
    public string Root { get; }
    public string ConfigPath => Path.Combine(Root, "replica.yaml");
    public ReplicaConfig Config { get; }
    public RunStore Store { get; }
    public Uri Url { get; private set; } = null!;
    private WebApplication _app = null!;
    private readonly Dictionary<string, string> _tokens = new();

    public static string RepoRoot { get; } = FindRepoRoot();

    private ServerHost(int stackDelaySeconds, string serverYaml)
    {
        Root = Directory.CreateTempSubdirectory("replica-server-test-").FullName;
        File.SetUnixFileMode(Root, (UnixFileMode)0b111_101_101); // the postgres account traverses it when tests run as root
        using (var cp = Process.Start("cp", ["-a", Path.Combine(RepoRoot, "samples", "production"), Root + "/"])!) cp.WaitForExit();
        var app = Path.Combine(RepoRoot, "samples", "stack", "app.py");
        string Target(string name) => $"""
              {name}:
                platform: local
                database: {"{"} name: frag, owner: fragalysis {"}"}
                stack:
                  command: "sleep {stackDelaySeconds}; exec python3 {app}"
                  ready_url: "http://127.0.0.1:{"{port}"}/healthz"
                  ready_timeout_seconds: 120
            """;
        File.WriteAllText(ConfigPath, $"""
            state_dir: state
            source:
              database_backups: production/database
              media_backup: production/media
              image_tag:
                file: production/stack-image-tag
            targets:
            {Target("staging")}
            {Target("dev-alan")}
              production:
                protected: true
            {serverYaml}
            """);
        Config = Replica.Cli.Modules.LoadConfig(ConfigPath);
        Store = new RunStore(Config.StateDirectory);
    }

    public static async Task<ServerHost> StartAsync(int stackDelaySeconds = 4, string serverYaml = "")
    {
        var host = new ServerHost(stackDelaySeconds, serverYaml);
        host._app = ReplicaServer.Build(host.Config, new PlatformFactory(), new IPEndPoint(IPAddress.Loopback, 0));
        await host._app.StartAsync();
        host.Url = new Uri(host._app.Urls.First());
        foreach (var (name, role, targets) in new[] { ("viewer", Role.Viewer, ""), ("alan", Role.Operator, "dev-*"), ("ops", Role.Operator, "staging"), ("admin", Role.Admin, "") })
            host._tokens[name] = new AccessTokens(host.Store).Create(name, role, Grant.ParseGlobs(targets, "targets"));
        return host;
    }

    public string Token(string name) => _tokens[name];

    public HttpClient Client(string? token)
    {
        var c = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromMinutes(5) };
        if (token is not null) c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return c;
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static async Task<JsonElement> ReadJson(HttpResponseMessage r) =>
        JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.Clone();

    /// <summary>Waits for a run to end, by the API, and returns its status.</summary>
    public async Task<string> WaitForEndAsync(string runId)
    {
        using var c = Client(Token("admin"));
        for (var i = 0; i < 3000; i++)
        {
            var run = (await ReadJson(await c.GetAsync($"/api/runs/{runId}"))).GetProperty("run");
            var status = run.GetProperty("status").GetString()!;
            if (status != RunStatus.Running) return status;
            await Task.Delay(100);
        }
        throw new TimeoutException($"run {runId} did not end");
    }

    private static string FindRepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "replica.slnx"))) dir = Path.GetDirectoryName(dir);
        return dir ?? throw new InvalidOperationException("replica.slnx not found above the test assembly");
    }

    public async ValueTask DisposeAsync()
    {
        // Stop what the tests left running (databases, stacks), through the workflows, then the server.
        var workflows = new Replica.Core.Workflows.TargetWorkflows(Config, Store, new PlatformFactory());
        foreach (var t in new[] { "staging", "dev-alan" })
        {
            try { await workflows.StopAsync(t, false, Replica.Core.Launch.SilentProgress.Instance, CancellationToken.None); }
            catch (Exception) { /* best effort: the target may be busy or never started */ }
        }
        await _app.StopAsync();
        await _app.DisposeAsync();
        try { Directory.Delete(Root, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
