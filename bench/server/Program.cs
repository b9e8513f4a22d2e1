// bench/server: N concurrent clients (default 200, bounded, all on 127.0.0.1) mixing
// GET /api/targets, GET /api/runs/{id} and SSE followers of a running refresh (a real
// `start` of the sample on the local platform, served by a real Kestrel). Prints requests/s,
// p50/p99 latency of the reads, errors, and the delay from a log line being stored to it
// reaching an SSE client (p50/p99).
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Replica.Cli;
using Replica.Core.Access;
using Replica.Core.Config;
using Replica.Core.Runs;
using Replica.Server;

var clients = args.Length > 0 ? int.Parse(args[0]) : 200;
var repo = AppContext.BaseDirectory;
while (!File.Exists(Path.Combine(repo, "replica.slnx"))) repo = Path.GetDirectoryName(repo)!;
var root = Directory.CreateTempSubdirectory("replica-server-bench-").FullName;
File.SetUnixFileMode(root, (UnixFileMode)0b111_101_101);
Process.Start("cp", ["-a", Path.Combine(repo, "samples", "production"), root + "/"])!.WaitForExit();
File.WriteAllText(Path.Combine(root, "replica.yaml"), $"""
    state_dir: state
    source:
      database_backups: production/database
      media_backup: production/media
      image_tag: {"{"} file: production/stack-image-tag {"}"}
    targets:
      staging:
        platform: local
        database: {"{"} name: frag, owner: fragalysis {"}"}
        stack:
          command: "sleep 3; exec python3 {Path.Combine(repo, "samples", "stack", "app.py")}"
          ready_url: "http://127.0.0.1:{"{port}"}/healthz"
    """);
var config = Replica.Cli.Modules.LoadConfig(Path.Combine(root, "replica.yaml"));
var store = new RunStore(config.StateDirectory);
var token = new AccessTokens(store).Create("bench", Role.Admin, []);
await using var app = ReplicaServer.Build(config, new PlatformFactory(), new IPEndPoint(IPAddress.Loopback, 0));
await app.StartAsync();
var url = new Uri(app.Urls.First());
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients + 10 }) { BaseAddress = url, Timeout = TimeSpan.FromMinutes(5) };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

var launch = await http.PostAsync("/api/targets/staging/runs", new StringContent("""{"workflow":"start"}""", Encoding.UTF8, "application/json"));
var runId = JsonDocument.Parse(await launch.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
Console.WriteLine($"refresh run {runId} launched; {clients} clients on {url} ({Environment.ProcessorCount} cores, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]})");

var latencies = new List<double>();
var delays = new List<double>();
var errors = 0;
var requests = 0;
var gate = new object();
var running = true;
var clock = Stopwatch.StartNew();
var tasks = Enumerable.Range(0, clients).Select(async i =>
{
    if (i % 4 == 3)
    {
        // An SSE follower: from the first event to the end; the delay of each log line from its stored time.
        try
        {
            using var stream = await http.GetStreamAsync($"/api/runs/{runId}/events");
            using var reader = new StreamReader(stream);
            var kind = "";
            while (await reader.ReadLineAsync() is { } line)
            {
                if (line.StartsWith("event: ")) kind = line[7..];
                else if (line.StartsWith("data: ") && kind == "log")
                {
                    var at = JsonDocument.Parse(line[6..]).RootElement.GetProperty("at").GetDateTimeOffset();
                    var delay = (DateTimeOffset.UtcNow - at).TotalMilliseconds;
                    // Replayed lines (written before this client connected) are not live delays.
                    if (delay < 5_000 && clock.Elapsed.TotalSeconds > 2) lock (gate) delays.Add(delay);
                }
                else if (kind == "end" && line.Length == 0) break;
            }
        }
        catch (Exception) { Interlocked.Increment(ref errors); }
        return;
    }
    while (Volatile.Read(ref running))
    {
        var path = i % 2 == 0 ? "/api/targets" : $"/api/runs/{runId}";
        var t = Stopwatch.StartNew();
        try
        {
            using var r = await http.GetAsync(path);
            await r.Content.ReadAsByteArrayAsync();
            if (!r.IsSuccessStatusCode) Interlocked.Increment(ref errors);
        }
        catch (Exception) { Interlocked.Increment(ref errors); }
        lock (gate) latencies.Add(t.Elapsed.TotalMilliseconds);
        Interlocked.Increment(ref requests);
    }
}).ToList();

var end = await http.GetStringAsync($"/api/runs/{runId}");
while (store.FindRun(runId)!.Status == RunStatus.Running) await Task.Delay(200);
Volatile.Write(ref running, false);
await Task.WhenAll(tasks);
var seconds = clock.Elapsed.TotalSeconds;
double P(List<double> xs, double q) { if (xs.Count == 0) return double.NaN; xs.Sort(); return xs[Math.Min(xs.Count - 1, (int)(q * xs.Count))]; }
Console.WriteLine($"run {runId}: {store.FindRun(runId)!.Status} in {seconds:0.0} s");
Console.WriteLine($"reads: {requests} in {seconds:0.0} s = {requests / seconds:0} requests/s; p50 {P(latencies, 0.5):0.0} ms, p99 {P(latencies, 0.99):0.0} ms; errors {errors}");
Console.WriteLine($"log line stored -> SSE client: {delays.Count} deliveries, p50 {P(delays, 0.5):0.0} ms, p99 {P(delays, 0.99):0.0} ms");
await app.StopAsync();
var workflows = new Replica.Core.Workflows.TargetWorkflows(config, store, new PlatformFactory());
await workflows.StopAsync("staging", false, Replica.Core.Launch.SilentProgress.Instance, CancellationToken.None);
Directory.Delete(root, true);
