using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Replica.Core.Runs;
using Replica.Schedules.Tests.Support;
using Replica.Tests.Support;

namespace Replica.Schedules.Tests;

/// <summary>
/// Notifications from a real server to a real local HTTP receiver, for runs on the local
/// platform: the bodies, the signature, retries, a dead receiver, and that the webhook's URL
/// and secret appear nowhere but on the wire.
/// </summary>
public sealed class NotificationTests : IAsyncLifetime
{
    private const string HookVariable = "REPLICA_TEST_HOOK_URL";
    private const string SecretVariable = "REPLICA_TEST_HOOK_SECRET";
    private const string SecretPath = "/hook/T000/B000/s3cr3t-path-9f2c";
    private const string Secret = "sekrit-value-5d1e7a";
    private readonly Sandbox _box = new();
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        Environment.SetEnvironmentVariable(HookVariable, _receiver.UrlOf(SecretPath));
        Environment.SetEnvironmentVariable(SecretVariable, Secret);
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        Environment.SetEnvironmentVariable(HookVariable, null);
        Environment.SetEnvironmentVariable(SecretVariable, null);
        _box.Dispose();
    }

    private static string Notifications(string format, string on, string targets, string url = "${" + HookVariable + "}") => $$"""
        notifications:
          team:
            url: {{url}}
            format: {{format}}
            on: [{{on}}]
            targets: [{{targets}}]
            secret: ${{{SecretVariable}}}
        server:
          public_url: https://replica.example.org/
        """;

    private static string Hmac(byte[] body) => "sha256=" + Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), body)).ToLowerInvariant();

    private void AssertNoSecretIn(string what, string text)
    {
        Assert.False(text.Contains("s3cr3t-path-9f2c", StringComparison.Ordinal), $"the webhook URL's path appears in {what}");
        Assert.False(text.Contains(Secret, StringComparison.Ordinal), $"the webhook secret appears in {what}");
    }

    [Fact]
    public async Task A_CLI_run_the_server_observes_is_announced_in_replica_json_signed_and_recorded_on_the_run_and_no_secret_leaks()
    {
        var config = _box.Write(Notifications("json", "started, succeeded, failed", "\"dev\", \"stag*\""));
        await using var server = await ServerUnderTest.StartAsync(config);

        var cli = await ReplicaProcess.RunAsync(_box.Root, "stop", "dev", "--config", _box.ConfigPath);
        Assert.True(cli.ExitCode == 0, cli.All);
        var runId = server.Store.ListRuns("dev").Single().Id;

        var started = await _receiver.NextAsync(r => r.Text.Contains("\"started\""));
        var ended = await _receiver.NextAsync(r => r.Text.Contains("\"succeeded\""));
        foreach (var r in new[] { started, ended })
        {
            Assert.Equal(SecretPath, r.Path);
            Assert.Equal(Hmac(r.Body), r.Headers["X-Replica-Signature"]); // verifiable with the shared secret
            Assert.StartsWith("application/json", r.Headers["Content-Type"]);
        }
        var doc = JsonDocument.Parse(ended.Body).RootElement;
        Assert.Equal("succeeded", doc.GetProperty("event").GetString());
        Assert.Equal(runId, doc.GetProperty("run_id").GetString());
        Assert.Equal("dev", doc.GetProperty("target").GetString());
        Assert.Equal("stop", doc.GetProperty("workflow").GetString());
        Assert.Equal("succeeded", doc.GetProperty("outcome").GetString());
        Assert.StartsWith("cli:", doc.GetProperty("launched_by").GetString());
        Assert.Equal(new[] { "stop stack", "remove database" }, doc.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.All(doc.GetProperty("steps").EnumerateArray(), s => Assert.True(s.GetProperty("seconds").GetDouble() >= 0));
        Assert.Equal(JsonValueKind.Null, doc.GetProperty("failing_step").ValueKind);
        Assert.Equal($"https://replica.example.org/#run={runId}", doc.GetProperty("url").GetString());
        Assert.Equal("started", JsonDocument.Parse(started.Body).RootElement.GetProperty("event").GetString());

        // Each delivery and its attempt are on the run: in the API and in `replica logs`.
        var deliveries = await server.DeliveriesAsync(runId, 2);
        Assert.All(deliveries, d => Assert.Equal(DeliveryOutcomes.Delivered, d.Outcome));
        var api = await server.Admin.GetStringAsync($"/api/runs/{runId}");
        var json = JsonDocument.Parse(api).RootElement.GetProperty("deliveries");
        Assert.Equal(new[] { "started", "succeeded" }, json.EnumerateArray().Select(d => d.GetProperty("event").GetString()));
        Assert.All(json.EnumerateArray(), d =>
        {
            Assert.Equal("delivered", d.GetProperty("outcome").GetString());
            Assert.Equal(200, Assert.Single(d.GetProperty("attempts").EnumerateArray()).GetProperty("status_code").GetInt32());
        });
        var logs = await ReplicaProcess.RunAsync(_box.Root, "logs", runId, "--config", _box.ConfigPath);
        Assert.Contains("notifications:", logs.Stdout);
        Assert.Contains("team (succeeded): delivered", logs.Stdout);

        AssertNoSecretIn("the API's run", api);
        AssertNoSecretIn("the API's log", await server.Admin.GetStringAsync($"/api/runs/{runId}/log"));
        AssertNoSecretIn("the API's targets", await server.Admin.GetStringAsync("/api/targets"));
        AssertNoSecretIn("replica logs", logs.All);
        AssertNoSecretIn("the server's logs", string.Join("\n", server.Logs));
        AssertNoSecretIn("the run store", server.StoreBytes());
        Assert.NotEmpty(server.Logs); // the capture works: there was something to search
    }

    [Fact]
    public async Task A_failed_start_is_announced_in_Slack_blocks_with_backup_tag_steps_and_the_failing_step_s_sentence()
    {
        var config = _box.Write(Notifications("slack", "failed", "\"staging\""), stackCommand: "echo broken-stack; exit 3");
        await using var server = await ServerUnderTest.StartAsync(config);
        var runId = await server.LaunchAsync("staging", """{"workflow":"start","db_only":true}""");
        Assert.Equal(RunStatus.Failed, (await server.EndedAsync(runId)).Status);

        var r = await _receiver.NextAsync();
        Assert.Equal(Hmac(r.Body), r.Headers["X-Replica-Signature"]);
        var doc = JsonDocument.Parse(r.Body).RootElement;
        Assert.Contains("start --db-only staging failed", doc.GetProperty("text").GetString());
        var blocks = doc.GetProperty("blocks").EnumerateArray().ToList();
        Assert.Equal("header", blocks[0].GetProperty("type").GetString());
        var all = r.Text;
        var tag = (await File.ReadAllTextAsync(Path.Combine(_box.Root, "production", "stack-image-tag"))).Trim();
        Assert.Contains("*Launched by*\\ntoken:admin", all);
        Assert.Contains("*Backup*\\nbackup-", all);
        Assert.Contains("h old)", all); // the backup's age
        Assert.Contains($"*Image tag*\\n{tag}", all);
        Assert.Contains("• restore database: succeeded in", all);
        Assert.Contains("*Failed at start stack*", all);
        Assert.Contains("The stack exited before it was ready", all);
        Assert.Contains($"<https://replica.example.org/#run={runId}|Run {runId} on replica>", all);
        Assert.Equal(DeliveryOutcomes.Delivered, Assert.Single(await server.DeliveriesAsync(runId, 1)).Outcome);
    }

    [Fact]
    public async Task A_receiver_answering_500_is_retried_with_backoff_until_it_accepts_and_every_attempt_is_recorded()
    {
        _receiver.Answer(SecretPath, 500, 503);
        var config = _box.Write(Notifications("json", "succeeded", "\"*\""));
        await using var server = await ServerUnderTest.StartAsync(config);
        var runId = await server.LaunchAsync("dev", """{"workflow":"stop"}""");
        Assert.Equal(RunStatus.Succeeded, (await server.EndedAsync(runId)).Status);

        var d = Assert.Single(await server.DeliveriesAsync(runId, 1));
        Assert.Equal(DeliveryOutcomes.Delivered, d.Outcome);
        Assert.Equal(new[] { 500, 503, 200 }, d.Attempts.Select(a => a.StatusCode ?? 0));
        Assert.Equal(new[] { "failed", "failed", "succeeded" }, d.Attempts.Select(a => a.Outcome));
        Assert.Contains("HTTP 500", d.Attempts[0].Message);
        Assert.True(d.Attempts[1].At > d.Attempts[0].At && d.Attempts[2].At > d.Attempts[1].At);
        var got = _receiver.All.ToList();
        Assert.Equal(3, got.Count);
        Assert.Single(got.Select(g => g.Text).Distinct()); // the same message each time
        Assert.All(got, g => Assert.Equal(Hmac(g.Body), g.Headers["X-Replica-Signature"]));
    }

    [Fact]
    public async Task A_dead_receiver_leaves_the_run_s_outcome_unchanged_and_the_failed_delivery_recorded_without_its_url()
    {
        int port;
        using (var l = new TcpListener(System.Net.IPAddress.Loopback, 0)) { l.Start(); port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port; l.Stop(); }
        Environment.SetEnvironmentVariable(HookVariable, $"http://127.0.0.1:{port}{SecretPath}");
        var config = _box.Write(Notifications("json", "started, succeeded", "\"dev\""));
        await using var server = await ServerUnderTest.StartAsync(config);
        var runId = await server.LaunchAsync("dev", """{"workflow":"stop"}""");
        var run = await server.EndedAsync(runId);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Null(run.Message);

        var deliveries = await server.DeliveriesAsync(runId, 2);
        Assert.All(deliveries, d =>
        {
            Assert.Equal(DeliveryOutcomes.Failed, d.Outcome);
            Assert.Equal(4, d.Attempts.Count); // the first try and three retries, then it gives up
            Assert.All(d.Attempts, a => Assert.Contains("could not be reached", a.Message));
        });
        Assert.True(deliveries.Single(d => d.Event == "succeeded").Created >= run.Ended); // sent after the run ended, never before it
        var after = server.Store.FindRun(runId)!;
        Assert.Equal((run.Status, run.Ended, run.Message), (after.Status, after.Ended, after.Message));
        AssertNoSecretIn("the API's run", await server.Admin.GetStringAsync($"/api/runs/{runId}"));
        AssertNoSecretIn("the server's logs", string.Join("\n", server.Logs));
        AssertNoSecretIn("the run store", server.StoreBytes());
    }

    [Fact]
    public async Task A_scheduled_fire_refused_before_any_run_is_announced_as_failed_naming_the_schedule_and_the_reason()
    {
        var config = _box.Write(Notifications("json", "failed", "\"dev\"") + """

            schedules:
              dev-upgrade:
                target: dev
                workflow: upgrade
                options: { image_tag: "2099.1.1" }
                cron: "0 3 * * *"
            """);
        await using var server = await ServerUnderTest.StartAsync(config);
        var firing = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Replica.Core.Schedules.ScheduleFiring>(server.App.Services);
        var at = new DateTimeOffset(2026, 6, 10, 3, 0, 0, TimeSpan.Zero);
        var fire = await firing.FireAsync(config.Schedules["dev-upgrade"], at);
        Assert.Equal(FireOutcomes.Refused, fire.Outcome); // dev has no running database to upgrade

        var r = await _receiver.NextAsync();
        Assert.Equal(Hmac(r.Body), r.Headers["X-Replica-Signature"]);
        var doc = JsonDocument.Parse(r.Body).RootElement;
        Assert.Equal("failed", doc.GetProperty("event").GetString());
        Assert.Equal("refused", doc.GetProperty("outcome").GetString());
        Assert.Equal("schedule:dev-upgrade", doc.GetProperty("launched_by").GetString());
        Assert.Equal("2026-06-10T03:00:00Z", doc.GetProperty("fire_time").GetString());
        Assert.Contains("no running database", doc.GetProperty("message").GetString());
        Assert.Empty(server.Store.ListRuns(null));
    }
}
