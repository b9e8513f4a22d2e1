using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Replica.Cli;
using Replica.Core.Launch;
using Replica.Core.Runs;
using Replica.Core.Workflows;
using Replica.Schedules.Tests.Support;
using Replica.Tests.Support;

namespace Replica.Schedules.Tests;

/// <summary>
/// The real executable: `replica serve` with a schedule due at the next minute (cron has minute
/// resolution), on the sample; the scheduled start runs end to end and its notification arrives.
/// </summary>
public sealed class EndToEndTests : IAsyncLifetime
{
    private readonly Sandbox _box = new();
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        _box.Dispose();
    }

    [Fact]
    public async Task A_scheduled_start_fires_in_replica_serve_runs_on_the_sample_and_its_notification_arrives()
    {
        // The next whole minute at least 8 s away, so the server is up before it.
        var now = DateTimeOffset.UtcNow;
        var fire = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddMinutes(1);
        if (fire - now < TimeSpan.FromSeconds(8)) fire = fire.AddMinutes(1);
        int port;
        using (var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0)) { l.Start(); port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port; l.Stop(); }
        var config = _box.Write($"""
            schedules:
              nightly-staging:
                target: staging
                workflow: start
                cron: "{fire.Minute} {fire.Hour} * * *"
                options: {"{"} max_age_hours: 100000 {"}"}
            notifications:
              team:
                url: {_receiver.UrlOf("/team")}
                format: json
                on: [started, succeeded, failed]
            server:
              listen: 127.0.0.1:{port}
            """);
        var store = _box.Store(config);
        var token = (await ReplicaProcess.RunAsync(_box.Root, "tokens", "create", "ci", "--role", "viewer", "--config", _box.ConfigPath))
            .Stdout.Trim().Split('\n')[^1].Trim();

        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = _box.Root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { ReplicaProcess.Dll, "serve", "--config", _box.ConfigPath }) psi.ArgumentList.Add(a);
        psi.Environment.Remove("REPLICA_CONFIG");
        using var serve = Process.Start(psi)!;
        var output = new StringBuilder();
        serve.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        serve.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        serve.BeginOutputReadLine();
        serve.BeginErrorReadLine();
        async Task<JsonElement> Received(Func<WebhookReceiver.Received, bool> match)
        {
            try { return JsonDocument.Parse((await _receiver.NextAsync(match, seconds: 120)).Body).RootElement; }
            catch (TimeoutException e) { lock (output) throw new TimeoutException($"{e.Message}; replica serve printed:\n{output}"); }
        }
        try
        {
            var started = await Received(r => r.Text.Contains("\"started\""));
            var runId = started.GetProperty("run_id").GetString()!;
            Assert.Equal("schedule:nightly-staging", started.GetProperty("launched_by").GetString());
            var ended = await Received(r => r.Text.Contains("\"succeeded\"") || r.Text.Contains("\"failed\""));
            Assert.Equal(runId, ended.GetProperty("run_id").GetString());
            Assert.True(ended.GetProperty("outcome").GetString() == "succeeded", ended.ToString() + "\n" + output);
            Assert.StartsWith("backup-", ended.GetProperty("backup").GetProperty("name").GetString());
            Assert.Contains("sync media", ended.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("name").GetString()));

            var run = store.FindRun(runId)!;
            Assert.Equal(("start", "staging", RunStatus.Succeeded, "schedule:nightly-staging"), (run.Workflow, run.Target, run.Status, run.LaunchedBy));
            Assert.Equal(TargetStates.Running, store.FindTarget("staging")!.State);
            var last = store.LastFire("nightly-staging")!;
            Assert.Equal((fire, FireOutcomes.Launched, runId), (last.FireTime, last.Outcome, last.RunId));

            using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var schedules = JsonDocument.Parse(await api.GetStringAsync("/api/schedules")).RootElement;
            var s = Assert.Single(schedules.EnumerateArray());
            Assert.Equal(runId, s.GetProperty("last_fire").GetProperty("run_id").GetString());
            Assert.Equal("succeeded", s.GetProperty("last_fire").GetProperty("run_status").GetString());
            Assert.Equal(5, s.GetProperty("next").GetArrayLength());
            Assert.Equal(fire.AddDays(1), s.GetProperty("next")[0].GetProperty("utc").GetDateTimeOffset());
            lock (output) Assert.Contains($"schedule nightly-staging ({fire:yyyy-MM-dd HH:mm}Z): launched run {runId}", output.ToString());
        }
        finally
        {
            using (var kill = Process.Start("kill", ["-INT", serve.Id.ToString()])!) await kill.WaitForExitAsync();
            using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            {
                try { await serve.WaitForExitAsync(limit.Token); }
                catch (OperationCanceledException) { serve.Kill(true); }
            }
            try { await new TargetWorkflows(config, store, new PlatformFactory()).StopAsync("staging", false, SilentProgress.Instance, CancellationToken.None); }
            catch (Exception) { /* best effort */ }
        }
    }
}
