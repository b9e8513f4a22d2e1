using Replica.Core;
using Replica.Core.Config;
using Replica.Schedules.Tests.Support;

namespace Replica.Schedules.Tests;

/// <summary>schedules:, notifications: and expire_after_hours are checked at load: a mistake names the key, its line and the fix.</summary>
public sealed class ScheduleConfigTests : IDisposable
{
    private readonly Sandbox _box = new();
    public void Dispose() => _box.Dispose();

    /// <summary>The line the config file holds <paramref name="text"/> on (1-based).</summary>
    private int LineOf(string text) =>
        File.ReadAllLines(_box.ConfigPath).Select((l, i) => (l, i)).First(x => x.l.Contains(text, StringComparison.Ordinal)).i + 1;

    private ConfigException Refused(string rest, string targetExtra = "") =>
        Assert.Throws<ConfigException>(() => _box.Write(rest, targetExtra));

    [Fact]
    public void A_valid_schedule_is_read_with_its_zone_options_and_catch_up()
    {
        var c = _box.Write("""
            schedules:
              nightly-staging:
                target: staging
                workflow: start
                cron: "30 2 * * *"
                time_zone: Europe/London
                options: { max_age_hours: 6 }
                catch_up_minutes: 60
              weekly-dev:
                target: dev
                workflow: stop
                cron: "0 18 * * 5"
            """);
        var s = c.Schedules["nightly-staging"];
        Assert.Equal("staging", s.Target);
        Assert.Equal(6, s.Request.MaxAgeHours);
        Assert.Equal("Europe/London", s.Zone.Id);
        Assert.Equal(60, s.CatchUpMinutes);
        Assert.Equal("schedule:nightly-staging", s.LaunchedBy);
        Assert.Equal("UTC", c.Schedules["weekly-dev"].Zone.Id);
        Assert.Equal(0, c.Schedules["weekly-dev"].CatchUpMinutes);
    }

    [Theory]
    [InlineData("cron: \"30 2 * *\"", "cron: \"30 2 * *\"", "schedules.bad.cron")]
    [InlineData("cron: \"0 30 2 * * *\"", "cron: \"0 30 2 * * *\"", "schedules.bad.cron")] // six fields (seconds) are not the contract
    [InlineData("time_zone: Europe/Londres", "time_zone: Europe/Londres", "schedules.bad.time_zone")]
    [InlineData("target: nowhere", "target: nowhere", "schedules.bad.target")]
    [InlineData("target: production", "target: production", "schedules.bad.target")]
    [InlineData("workflow: restart", "workflow: restart", "Workflow 'restart'")]
    [InlineData("options: { remove_media: true }", "options: { remove_media: true }", "remove_media does not apply to start")]
    [InlineData("options: { max_age: 6 }", "max_age", "schedules.bad.options.max_age")]
    [InlineData("every: day", "every: day", "unknown key 'schedules.bad.every'")]
    [InlineData("catch_up_minutes: -5", "catch_up_minutes: -5", "schedules.bad.catch_up_minutes")]
    public void An_invalid_schedule_is_rejected_at_load_naming_the_key_and_its_line(string bad, string lineText, string named)
    {
        // One schedule is good, one is bad: the file is refused (the server never starts with a bad schedule).
        var fields = new Dictionary<string, string>
        {
            ["target"] = "target: staging", ["workflow"] = "workflow: start", ["cron"] = "cron: \"30 2 * * *\"",
        };
        var key = bad.Split(':')[0];
        fields[key] = bad;
        var body = string.Join("\n", fields.Values.Select(v => "    " + v));
        var e = Refused($"""
            schedules:
              good:
                target: dev
                workflow: stop
                cron: "0 * * * *"
              bad:
            {body}
            """);
        Assert.Contains(named, e.Message);
        Assert.Contains($"line {LineOf(lineText)}:", e.Message);
        Assert.Contains(_box.ConfigPath, e.Message);
    }

    [Theory]
    [InlineData("format: teams", "format: teams", "notifications.team.format")]
    [InlineData("on: [failed, exploded]", "on: [failed, exploded]", "exploded")]
    [InlineData("url: ftp://example.org/x", "url: ftp://example.org/x", "notifications.team.url")]
    [InlineData("targets: [\"Staging!\"]", "targets: [\"Staging!\"]", "notifications.team.targets")]
    public void An_invalid_notification_is_rejected_at_load_naming_the_key_and_its_line(string bad, string lineText, string named)
    {
        var fields = new Dictionary<string, string> { ["url"] = "url: https://hooks.example.org/x", ["on"] = "on: [failed]" };
        fields[bad.Split(':')[0]] = bad;
        var e = Refused("notifications:\n  team:\n" + string.Join("\n", fields.Values.Select(v => "    " + v)) + "\n");
        Assert.Contains(named, e.Message);
        Assert.Contains($"line {LineOf(lineText)}:", e.Message);
    }

    [Fact]
    public void Expiry_is_read_per_target_and_refused_on_a_protected_one()
    {
        var c = _box.Write(targetExtra: "expire_after_hours: 72");
        Assert.Equal(72, c.Targets["dev"].ExpireAfterHours);
        Assert.Null(c.Targets["production"].ExpireAfterHours);
        var text = File.ReadAllText(_box.ConfigPath).Replace("    protected: true", "    protected: true\n    expire_after_hours: 5");
        File.WriteAllText(_box.ConfigPath, text);
        var e = Assert.Throws<ConfigException>(() => Replica.Cli.Modules.LoadConfig(_box.ConfigPath));
        Assert.Contains("targets.production.expire_after_hours", e.Message);
        Assert.Contains($"line {LineOf("expire_after_hours: 5")}:", e.Message);
    }

    [Fact]
    public void A_notification_url_from_an_unset_variable_names_the_key_and_variable_not_a_value()
    {
        var c = _box.Write("""
            notifications:
              team:
                url: ${REPLICA_TEST_UNSET_HOOK}
                on: [failed]
            """);
        var e = Assert.ThrowsAny<RefusedException>(() => c.Notifications["team"].Url());
        Assert.Contains("notifications.team.url", e.Message);
        Assert.Contains("REPLICA_TEST_UNSET_HOOK", e.Message);
        Assert.Contains($"line {LineOf("url: ${REPLICA_TEST_UNSET_HOOK}")}:", e.Message);
    }
}
