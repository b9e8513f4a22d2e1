using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using Replica.Cli;
using Replica.Core.Config;
using Replica.Core.Launch;
using Replica.Core.Runs;
using Replica.Core.Schedules;
using Replica.Core.Workflows;
using Replica.Schedules.Tests.Support;
using Replica.Server.Schedules;

namespace Replica.Schedules.Tests;

/// <summary>
/// The scheduler on an injected clock (FakeTimeProvider), firing real runs through the real
/// launcher on local targets (stop runs: quick, no database needed).
/// </summary>
public sealed class SchedulerTests : IDisposable
{
    private readonly Sandbox _box = new();
    public void Dispose() => _box.Dispose();

    private static DateTimeOffset Utc(string s) => DateTimeOffset.Parse(s, null, System.Globalization.DateTimeStyles.AssumeUniversal);

    /// <summary>A scheduler as `replica serve` wires it, whose waits the test sees (and ends by moving the clock).</summary>
    private sealed class Running : IAsyncDisposable
    {
        public Scheduler Scheduler { get; }
        public Channel<DateTimeOffset> Waits { get; } = Channel.CreateUnbounded<DateTimeOffset>();
        public Running(ReplicaConfig config, RunStore store, TimeProvider clock)
        {
            var launcher = new RunLauncher(new TargetWorkflows(config, store, new PlatformFactory()), store);
            Scheduler = new Scheduler(config, new ScheduleFiring(launcher, store, clock), store, clock,
                Microsoft.Extensions.Logging.Abstractions.NullLogger<Scheduler>.Instance);
            Scheduler.Waiting += at => Waits.Writer.TryWrite(at);
        }
        public async Task<DateTimeOffset> NextWaitAsync()
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            return await Waits.Reader.ReadAsync(limit.Token);
        }
        public async ValueTask DisposeAsync() => await Scheduler.StopAsync(CancellationToken.None);
    }

    private static async Task<ScheduleFire> FireOf(RunStore store, string schedule, DateTimeOffset at) =>
        await Eventually.GetAsync(() => store.Fires(schedule).FirstOrDefault(f => f.FireTime == at), $"the fire of {schedule} at {at:u}");

    private static async Task EndedAsync(RunStore store, string runId) =>
        await Eventually.TrueAsync(() => store.FindRun(runId)?.Status is { } s && s != RunStatus.Running, $"run {runId} ending");

    [Theory]
    [InlineData("2026-03-27T12:00:00Z", "2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z")]
    [InlineData("2026-10-23T12:00:00Z", "2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z")]
    public async Task Fires_at_the_zone_s_times_across_a_daylight_saving_change_each_once_as_schedule_runs(string from, params string[] expected)
    {
        var config = _box.Write("""
            schedules:
              london:
                target: dev
                workflow: stop
                cron: "30 1 * * *"
                time_zone: Europe/London
            """);
        var store = _box.Store(config);
        var clock = new FakeTimeProvider(Utc(from));
        await using var s = new Running(config, store, clock);
        await s.Scheduler.StartAsync(CancellationToken.None);
        foreach (var e in expected.Select(Utc))
        {
            var due = await s.NextWaitAsync();
            Assert.Equal(e, due); // the scheduler waits for exactly the zone's next fire
            clock.SetUtcNow(due);
            var fire = await FireOf(store, "london", due);
            Assert.Equal(FireOutcomes.Launched, fire.Outcome);
            await EndedAsync(store, fire.RunId!);
            var run = store.FindRun(fire.RunId!)!;
            Assert.Equal("schedule:london", run.LaunchedBy);
            Assert.Equal(RunStatus.Succeeded, run.Status);
        }
        Assert.Equal(expected.Length, store.Fires("london").Count); // each day once: the repeated hour fired once
        Assert.Equal(expected.Length, store.ListRuns("dev").Count);
    }

    [Fact]
    public async Task A_fire_missed_while_the_server_was_down_runs_once_at_start_up_if_recent_enough()
    {
        var config = _box.Write("""
            schedules:
              nightly:
                target: staging
                workflow: stop
                cron: "30 2 * * *"
                time_zone: Europe/London
                catch_up_minutes: 60
              often:
                target: dev
                workflow: stop
                cron: "*/5 * * * *"
                catch_up_minutes: 30
              midnight:
                target: other
                workflow: stop
                cron: "0 0 * * *"
                catch_up_minutes: 30
            """);
        var store = _box.Store(config);
        // Up at 02:42 London summer time (01:42Z): nightly (01:30Z) and often (01:40Z, and six more before it) were missed;
        // midnight's fire is 102 minutes old, beyond its 30.
        var clock = new FakeTimeProvider(Utc("2026-06-10T01:42:00Z"));
        await using (var first = new Running(config, store, clock))
        {
            await first.Scheduler.StartAsync(CancellationToken.None);
            Assert.Equal(Utc("2026-06-10T01:45:00Z"), await first.NextWaitAsync()); // caught up, now waiting for often's next
        }
        var nightly = Assert.Single(store.Fires("nightly"));
        Assert.Equal(Utc("2026-06-10T01:30:00Z"), nightly.FireTime);
        Assert.Equal(FireOutcomes.Launched, nightly.Outcome);
        Assert.Contains("caught up", nightly.Message);
        var often = Assert.Single(store.Fires("often")); // several missed: one run
        Assert.Equal(Utc("2026-06-10T01:40:00Z"), often.FireTime);
        Assert.Empty(store.Fires("midnight"));
        await EndedAsync(store, nightly.RunId!);
        await EndedAsync(store, often.RunId!);

        // Restarted five minutes later: nightly's fire was already run and is not run again; often missed 01:45.
        clock.SetUtcNow(Utc("2026-06-10T01:47:00Z"));
        await using (var second = new Running(config, store, clock))
        {
            await second.Scheduler.StartAsync(CancellationToken.None);
            Assert.Equal(Utc("2026-06-10T01:50:00Z"), await second.NextWaitAsync());
        }
        Assert.Single(store.Fires("nightly"));
        Assert.Equal(new[] { Utc("2026-06-10T01:45:00Z"), Utc("2026-06-10T01:40:00Z") }, store.Fires("often").Select(f => f.FireTime));
        Assert.Single(store.ListRuns("staging"));
    }

    [Fact]
    public async Task A_fire_on_a_busy_target_is_skipped_naming_the_holder_and_neither_it_nor_a_refused_one_stops_the_others()
    {
        var config = _box.Write("""
            schedules:
              busy-one:
                target: staging
                workflow: stop
                cron: "0 3 * * *"
              refused-one:
                target: other
                workflow: upgrade
                options: { image_tag: "2099.1.1" }
                cron: "0 3 * * *"
              free-one:
                target: dev
                workflow: stop
                cron: "0 3 * * *"
            """);
        var store = _box.Store(config);
        var manual = store.BeginRun("staging", "start", new Dictionary<string, string?>(), "cli:someone@here"); // a live run holds staging
        var clock = new FakeTimeProvider(Utc("2026-06-10T02:59:00Z"));
        await using var s = new Running(config, store, clock);
        await s.Scheduler.StartAsync(CancellationToken.None);
        var due = await s.NextWaitAsync();
        Assert.Equal(Utc("2026-06-10T03:00:00Z"), due);
        clock.SetUtcNow(due);

        var skipped = await FireOf(store, "busy-one", due);
        Assert.Equal(FireOutcomes.Skipped, skipped.Outcome);
        Assert.Equal(manual.Id, skipped.RunId);
        Assert.Contains(manual.Id, skipped.Message);
        var refused = await FireOf(store, "refused-one", due);
        Assert.Equal(FireOutcomes.Refused, refused.Outcome); // other has no running database to upgrade
        Assert.Null(refused.RunId);
        var launched = await FireOf(store, "free-one", due);
        Assert.Equal(FireOutcomes.Launched, launched.Outcome);
        await EndedAsync(store, launched.RunId!);
        Assert.Equal(RunStatus.Succeeded, store.FindRun(launched.RunId!)!.Status);

        // The scheduler goes on (tomorrow's fire is awaited), and the skipped fire was not queued behind the manual run.
        Assert.Equal(Utc("2026-06-11T03:00:00Z"), await s.NextWaitAsync());
        store.EndRun(manual.Id, RunStatus.Succeeded, null);
        Assert.Equal(new[] { manual.Id }, store.ListRuns("staging").Select(r => r.Id));
        Assert.Empty(store.ListRuns("other"));

        // The listing shows each schedule's last fire and its run.
        var listing = ScheduleListing.Read(config, store, clock.GetUtcNow()).ToDictionary(j => j.Name);
        Assert.Equal("skipped", listing["busy-one"].LastFire!.Outcome);
        Assert.Equal(manual.Id, listing["busy-one"].LastFire!.RunId);
        Assert.Equal("succeeded", listing["free-one"].LastFire!.RunStatus);
        Assert.Equal(5, listing["free-one"].Next.Count);
    }

    [Fact]
    public async Task A_fire_the_running_server_reaches_far_too_late_is_recorded_as_missed_not_run_late()
    {
        var config = _box.Write("""
            schedules:
              hourly:
                target: dev
                workflow: stop
                cron: "0 * * * *"
            """);
        var store = _box.Store(config);
        var clock = new FakeTimeProvider(Utc("2026-06-10T09:30:00Z"));
        await using var s = new Running(config, store, clock);
        await s.Scheduler.StartAsync(CancellationToken.None);
        var due = await s.NextWaitAsync();
        Assert.Equal(Utc("2026-06-10T10:00:00Z"), due);
        clock.SetUtcNow(Utc("2026-06-10T10:20:00Z")); // the machine slept through it
        Assert.Equal(Utc("2026-06-10T11:00:00Z"), await s.NextWaitAsync());
        var missed = Assert.Single(store.Fires("hourly"));
        Assert.Equal((due, FireOutcomes.Missed, (string?)null), (missed.FireTime, missed.Outcome, missed.RunId));
        Assert.Contains("20 minutes later", missed.Message);
        Assert.Empty(store.ListRuns("dev"));
    }
}
