using System.Net.Http.Headers;
using Microsoft.Playwright;
using Replica.Core.Access;
using Replica.Core.Runs;
using Replica.Schedules.Tests.Support;

namespace Replica.Schedules.Tests;

/// <summary>
/// The page in real Chromium (Debian's /usr/bin/chromium via Playwright, nothing downloaded): the
/// schedules with their next fires and last fire, and each target's next refresh. Needs chromium:
/// fails, naming it, when absent.
/// </summary>
public sealed class PageTests : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private readonly Sandbox _box = new();
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: the browser tests need Debian's chromium (apt-get install chromium; .ci/run installs it).");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium, Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
        _box.Dispose();
    }

    [Fact]
    public async Task The_page_lists_the_schedules_and_each_target_s_next_refresh()
    {
        // Daily, half a day away: with catch_up_minutes 60, a fixed time would be caught up (fired at the server's
        // start) whenever the test ran within the hour after it, and the schedule's last fire would not be "never".
        var at = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow.AddHours(12), TimeZoneInfo.FindSystemTimeZoneById("Europe/London"));
        var config = _box.Write($$"""
            schedules:
              nightly-staging:
                target: staging
                workflow: start
                cron: "{{at.Minute}} {{at.Hour}} * * *"
                time_zone: Europe/London
                options: { max_age_hours: 6 }
                catch_up_minutes: 60
              evening-dev-stop:
                target: dev
                workflow: stop
                cron: "0 19 * * 1-5"
            """);
        await using var server = await ServerUnderTest.StartAsync(config);
        var token = new AccessTokens(server.Store).Create("viewer", Role.Viewer, []);
        // A fire of the past, as the scheduler records one: the page shows it as the schedule's last fire.
        server.Store.RecordFire(new ScheduleFire("evening-dev-stop", DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(-1), FireOutcomes.Skipped, "20260101T000000-abcd", "busy"));

        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.Url.ToString(), ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        await page.GotoAsync("/");
        await page.FillAsync("#token", token);
        await page.ClickAsync("#signin-button");
        var row = page.Locator("#schedules tr[data-schedule=nightly-staging]");
        await row.WaitForAsync();

        var next = config.Schedules["nightly-staging"].Next(DateTimeOffset.UtcNow, 5);
        var text = await row.InnerTextAsync();
        Assert.Contains("Europe/London", text);
        Assert.Contains("max_age_hours=6", text);
        foreach (var n in next) Assert.Contains($"{n:yyyy-MM-dd HH:mm}Z", text);
        Assert.Contains("never", text);
        var dev = await page.Locator("#schedules tr[data-schedule=evening-dev-stop]").InnerTextAsync();
        Assert.Contains("skipped", dev);
        Assert.Contains("20260101T000000-abcd", dev);

        var staging = await page.Locator("#targets tr[data-target=staging] td.next-refresh").InnerTextAsync();
        Assert.Contains($"{next[0]:yyyy-MM-dd HH:mm}Z", staging);
        Assert.Contains("nightly-staging", staging);
        Assert.Contains("none scheduled", await page.Locator("#targets tr[data-target=dev] td.next-refresh").InnerTextAsync()); // a stop is no refresh
        if (Environment.GetEnvironmentVariable("REPLICA_SCREENSHOTS") is { } dir)
            await page.ScreenshotAsync(new() { Path = Path.Combine(dir, "server-schedules.png"), FullPage = true });
    }
}
