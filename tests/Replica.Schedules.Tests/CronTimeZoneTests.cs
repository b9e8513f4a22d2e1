using Replica.Schedules.Tests.Support;

namespace Replica.Schedules.Tests;

/// <summary>
/// A schedule's fire times in its zone across both daylight-saving changes of a year
/// (Europe/London, 2026: clocks go forward at 01:00Z on 29 March, back at 01:00Z on 25 October).
/// </summary>
public sealed class CronTimeZoneTests : IDisposable
{
    private readonly Sandbox _box = new();
    public void Dispose() => _box.Dispose();

    private Core.Schedules.ScheduleConfig Schedule(string cron, string zone) => _box.Write($"""
        schedules:
          s:
            target: dev
            workflow: stop
            cron: "{cron}"
            time_zone: {zone}
        """).Schedules["s"];

    private static DateTimeOffset Utc(string s) => DateTimeOffset.Parse(s, null, System.Globalization.DateTimeStyles.AssumeUniversal);

    [Fact]
    public void Half_past_two_London_is_02_30Z_in_winter_and_01_30Z_in_summer_on_the_right_days()
    {
        var s = Schedule("30 2 * * *", "Europe/London");
        Assert.Equal(new[] { "2026-03-28T02:30:00Z", "2026-03-29T01:30:00Z", "2026-03-30T01:30:00Z" },
            s.Next(Utc("2026-03-27T12:00:00Z"), 3).Select(Z));
        Assert.Equal(new[] { "2026-10-24T01:30:00Z", "2026-10-25T02:30:00Z", "2026-10-26T02:30:00Z" },
            s.Next(Utc("2026-10-23T12:00:00Z"), 3).Select(Z));
        Assert.Equal("2026-03-29T02:30:00+01:00", s.Local(Utc("2026-03-29T01:30:00Z")));
        Assert.Equal("2026-10-25T02:30:00+00:00", s.Local(Utc("2026-10-25T02:30:00Z")));
    }

    [Fact]
    public void A_time_the_spring_change_skips_fires_once_at_the_jump_and_one_the_autumn_change_repeats_fires_once()
    {
        var s = Schedule("30 1 * * *", "Europe/London");
        // 01:30 does not exist on 29 March: fired at 02:00 BST (01:00Z), the moment clocks jump.
        Assert.Equal(new[] { "2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z" },
            s.Next(Utc("2026-03-27T12:00:00Z"), 3).Select(Z));
        // 01:30 happens twice on 25 October (BST, then GMT): fired once, the first time.
        Assert.Equal(new[] { "2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z" },
            s.Next(Utc("2026-10-23T12:00:00Z"), 3).Select(Z));
    }

    [Fact]
    public void Utc_is_the_default_zone_and_never_shifts()
    {
        var s = Schedule("30 1 * * *", "UTC");
        Assert.Equal(new[] { "2026-03-28T01:30:00Z", "2026-03-29T01:30:00Z", "2026-03-30T01:30:00Z" },
            s.Next(Utc("2026-03-27T12:00:00Z"), 3).Select(Z));
    }

    private static string Z(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
}
