using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Replica.Cli;
using Replica.Core.Launch;
using Replica.Core.Runs;
using Replica.Core.Workflows;
using Replica.Schedules.Tests.Support;
using Replica.Server.Expiry;
using Replica.Tests.Support;

namespace Replica.Schedules.Tests;

/// <summary>
/// Expiry of developer targets: two targets really started (databases on the local platform),
/// the server's clock a FakeTimeProvider moved past their expiry; one was extended.
/// </summary>
public sealed class ExpiryTests : IAsyncLifetime
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
    public async Task An_idle_target_is_warned_then_stopped_and_an_extended_one_is_not()
    {
        var config = _box.Write($"""
            notifications:
              devs:
                url: {_receiver.UrlOf("/expiring")}
                format: json
                on: [expiring]
                targets: ["dev", "other"]
                expiring_lead_hours: 1
            """, targetExtra: "expire_after_hours: 2");
        var store = _box.Store(config);
        var workflows = new TargetWorkflows(config, store, new PlatformFactory());
        try
        {
            foreach (var t in new[] { "dev", "other" })
                Assert.Equal(RunStatus.Succeeded, (await workflows.StartAsync(new StartRequest(t, DbOnly: true), SilentProgress.Instance, CancellationToken.None, "test")).Status);
            var startedDev = store.LastSuccessfulStart("dev")!.Value;

            var now = DateTimeOffset.UtcNow;
            var clock = new FakeTimeProvider(now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond))); // the store keeps milliseconds
            var checks = Channel.CreateUnbounded<DateTimeOffset>();
            await using var server = await ServerUnderTest.StartAsync(config, clock, beforeStart: app =>
                app.Services.GetRequiredService<ExpiryWatch>().Checked += () => checks.Writer.TryWrite(clock.GetUtcNow()));
            async Task CheckedAsync()
            {
                using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                await checks.Reader.ReadAsync(limit.Token);
            }

            await CheckedAsync(); // at start: two hours to go, no warning yet
            Assert.Empty(_receiver.All);
            var status = JsonDocument.Parse(await server.Admin.GetStringAsync("/api/targets/dev")).RootElement;
            Assert.Equal(startedDev.AddHours(2), status.GetProperty("expires").GetDateTimeOffset());

            clock.Advance(TimeSpan.FromMinutes(65));
            await CheckedAsync(); // within the lead hour: both are warned, once each
            var warned = new[] { await _receiver.NextAsync(), await _receiver.NextAsync() }
                .Select(r => JsonDocument.Parse(r.Body).RootElement).ToDictionary(d => d.GetProperty("target").GetString()!);
            Assert.Equal(new[] { "dev", "other" }, warned.Keys.Order());
            Assert.All(warned.Values, w => Assert.Equal("expiring", w.GetProperty("event").GetString()));
            Assert.Equal(startedDev.AddHours(2), warned["dev"].GetProperty("expires").GetDateTimeOffset());
            Assert.All(store.ListRuns(null), r => Assert.Equal("test", r.LaunchedBy)); // warned, nothing stopped yet

            var extended = await server.Admin.PostAsync("/api/targets/other/extend", null);
            Assert.True(extended.IsSuccessStatusCode, await extended.Content.ReadAsStringAsync());
            var otherExpires = JsonDocument.Parse(await extended.Content.ReadAsStringAsync()).RootElement.GetProperty("expires").GetDateTimeOffset();
            Assert.Equal(clock.GetUtcNow().AddHours(2), otherExpires);
            clock.Advance(TimeSpan.FromMinutes(1));
            await CheckedAsync();
            Assert.Equal(2, _receiver.All.Count); // the same expiry is never warned twice

            clock.Advance(TimeSpan.FromMinutes(60)); // dev is past its two hours; other was extended an hour ago
            await CheckedAsync();
            var stop = Assert.Single(store.ListRuns("dev"), r => r.LaunchedBy == "expiry:2h");
            Assert.Equal("stop", stop.Workflow); // stopped, never wiped
            Assert.Equal(RunStatus.Succeeded, (await server.EndedAsync(stop.Id)).Status);
            Assert.Null(store.FindTarget("dev")!.Database);
            Assert.NotNull(store.FindTarget("other")!.Database);
            Assert.DoesNotContain(store.ListRuns("other"), r => r.LaunchedBy!.StartsWith("expiry", StringComparison.Ordinal));

            // status shows expires (API and CLI) for the running target, none for the stopped one.
            var statusCli = await ReplicaProcess.RunAsync(_box.Root, "status", "--json", "--config", _box.ConfigPath);
            var all = JsonDocument.Parse(statusCli.Stdout).RootElement.EnumerateArray().ToDictionary(t => t.GetProperty("target").GetString()!);
            Assert.Equal(otherExpires, all["other"].GetProperty("expires").GetDateTimeOffset());
            Assert.Equal(JsonValueKind.Null, all["dev"].GetProperty("expires").ValueKind);
            var refused = await server.Admin.PostAsync("/api/targets/dev/extend", null);
            Assert.Equal(422, (int)refused.StatusCode); // nothing left running to extend
        }
        finally
        {
            foreach (var t in new[] { "dev", "other" })
                try { await workflows.StopAsync(t, false, SilentProgress.Instance, CancellationToken.None); } catch (Exception) { }
        }
    }

    [Fact]
    public void The_clock_runs_from_the_newest_of_the_last_successful_start_and_the_last_extension()
    {
        var config = _box.Write(targetExtra: "expire_after_hours: 72");
        var store = _box.Store(config);
        var dev = config.Targets["dev"];
        Assert.Null(Core.Expiry.ExpiryClock.Expires(dev, store)); // never started: nothing to expire
        store.Extend("dev", DateTimeOffset.UtcNow.AddHours(-10), "token:alan");
        Assert.Null(Core.Expiry.ExpiryClock.Expires(dev, store)); // holds no database

        var start = store.BeginRun("dev", "start --db-only", new Dictionary<string, string?>(), "cli:alan@here");
        store.EndRun(start.Id, RunStatus.Succeeded, null);
        store.SaveTarget(new TargetRecord("dev", TargetStates.Running, "1", "b", null, start.Id, DateTimeOffset.UtcNow, start.Id, start.Id));
        var started = store.LastSuccessfulStart("dev")!.Value;
        Assert.Equal(started.AddHours(72), Core.Expiry.ExpiryClock.Expires(dev, store)); // the start is newer than the extension

        var failed = store.BeginRun("dev", "start", new Dictionary<string, string?>(), "cli:alan@here");
        store.EndRun(failed.Id, RunStatus.Failed, "no");
        Assert.Equal(started.AddHours(72), Core.Expiry.ExpiryClock.Expires(dev, store)); // a failed start resets nothing

        var extendedAt = started.AddHours(5);
        store.Extend("dev", extendedAt, "token:alan");
        Assert.Equal(extendedAt.AddHours(72), Core.Expiry.ExpiryClock.Expires(dev, store));
        Assert.Null(Core.Expiry.ExpiryClock.Expires(config.Targets["staging"] with { ExpireAfterHours = null }, store));
    }
}
