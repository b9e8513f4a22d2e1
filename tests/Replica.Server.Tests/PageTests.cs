using Microsoft.Playwright;

namespace Replica.Server.Tests;

/// <summary>
/// The web page in real Chromium (Debian's /usr/bin/chromium, driven by Playwright; nothing is
/// downloaded) against a real server with real runs. Needs chromium: fails, naming it, when absent.
/// </summary>
public sealed class PageTests : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private ServerHost _host = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: the browser tests need Debian's chromium (apt-get install chromium; .ci/run installs it).");
        _host = await ServerHost.StartAsync(stackDelaySeconds: 5);
        _playwright = await Playwright.CreateAsync();
        Assertions.SetDefaultExpectTimeout(180_000); // runs on a loaded machine take their time; nothing here measures it
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
        if (_host is not null) await _host.DisposeAsync();
    }

    private async Task<IPage> SignInAsync(string who)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _host.Url.ToString(), ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(180_000);
        await page.GotoAsync("/");
        await page.FillAsync("#token", _host.Token(who));
        await page.ClickAsync("#signin-button");
        await page.Locator("#targets tbody tr[data-target=staging]").WaitForAsync();
        return page;
    }

    private static string? Screenshots => Environment.GetEnvironmentVariable("REPLICA_SCREENSHOTS");

    [Fact]
    public async Task An_operator_launches_a_start_with_the_production_tag_watches_it_live_through_a_reload_and_cancels_another()
    {
        var page = await SignInAsync("ops");
        var cookies = await page.Context.CookiesAsync();
        var session = Assert.Single(cookies, c => c.Name == "replica_session");
        Assert.True(session.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, session.SameSite);
        if (Screenshots is { } dir) await page.ScreenshotAsync(new() { Path = Path.Combine(dir, "server-targets.png"), FullPage = false });

        await page.ClickAsync("#targets tr[data-target=staging] button.launch");
        var productionTag = (await File.ReadAllTextAsync(Path.Combine(_host.Root, "production", "stack-image-tag"))).Trim();
        await Assertions.Expect(page.Locator("#image-tag")).ToHaveValueAsync(productionTag);
        Assert.False(await page.Locator("#image-tag").IsEditableAsync()); // shown, not typed
        await Assertions.Expect(page.Locator("#plan")).ToContainTextAsync("restore database");
        await Assertions.Expect(page.Locator("#backup option").First).ToContainTextAsync("LATEST");
        await page.ClickAsync("#confirm-button");

        // Record every value the progress bar takes, then reload mid-run (the stack waits before answering).
        await Assertions.Expect(page.Locator("#steps li.running")).ToContainTextAsync("start stack");
        await page.ReloadAsync();
        await page.EvaluateAsync("""
            () => { window.progressValues = [];
                    const p = document.getElementById('progress');
                    new MutationObserver(() => window.progressValues.push(+p.value)).observe(p, { attributes: true }); }
            """);
        // After the reload the log is replayed from the start and then followed.
        await Assertions.Expect(page.Locator("#log")).ToContainTextAsync("image tag " + productionTag);
        await Assertions.Expect(page.Locator("#run-status")).ToHaveTextAsync("running");
        if (Screenshots is { } d2) await page.ScreenshotAsync(new() { Path = Path.Combine(d2, "server-run.png"), FullPage = true });
        await Assertions.Expect(page.Locator("#log")).ToContainTextAsync("succeeded", new() { Timeout = 180_000 });
        await Assertions.Expect(page.Locator("#run-status")).ToHaveTextAsync("succeeded");
        var values = await page.EvaluateAsync<double[]>("() => window.progressValues");
        Assert.True(values.Distinct().Count() >= 2, $"the progress bar did not move: {string.Join(",", values)}");
        await Assertions.Expect(page.Locator("#progress-text")).ToContainTextAsync("/s");

        // A second start, cancelled from the page while the stack is starting.
        await page.ClickAsync("#targets tr[data-target=staging] button.launch");
        await Assertions.Expect(page.Locator("#confirm-button")).ToBeEnabledAsync();
        await page.ClickAsync("#confirm-button");
        await Assertions.Expect(page.Locator("#steps li.running")).ToContainTextAsync("switch stack");
        await page.ClickAsync("#cancel-button");
        await Assertions.Expect(page.Locator("#run-status")).ToHaveTextAsync("cancelled");
        var cancelledRun = (await page.Locator("#run-title").TextContentAsync())!.Split("run ").Last().Trim();
        await page.SelectOptionAsync("#history-status", "cancelled");
        await Assertions.Expect(page.Locator($"#runs tr[data-run='{cancelledRun}']")).ToContainTextAsync("token:ops");
        await page.SelectOptionAsync("#history-status", "");
        await Assertions.Expect(page.Locator("#chart rect").First).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_viewer_is_not_offered_the_launch_button()
    {
        var page = await SignInAsync("viewer");
        await Assertions.Expect(page.Locator("#who")).ToContainTextAsync("viewer");
        Assert.Equal(0, await page.Locator("button.launch").CountAsync());
        var alan = await SignInAsync("alan");
        await Assertions.Expect(alan.Locator("#targets tr[data-target='dev-alan'] button.launch")).ToBeVisibleAsync();
        Assert.Equal(0, await alan.Locator("#targets tr[data-target=staging] button.launch").CountAsync());
    }
}
