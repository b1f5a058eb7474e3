using Microsoft.Playwright;

namespace EdgeFed.Aggregator.Tests.Dashboard;

/// <summary>
/// Debian's chromium driven by Playwright (never <c>playwright install</c>), headless, with the flags this closed
/// network needs; every console error and page error is collected so a test can require none.
/// </summary>
internal sealed class Browser : IAsyncDisposable
{
    public const string Chromium = "/usr/bin/chromium";
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private Browser(IPlaywright playwright, IBrowser browser, IPage page)
    {
        (_playwright, _browser, Page) = (playwright, browser, page);
        Page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Errors.Add($"console: {message.Text}");
            }
        };
        Page.PageError += (_, error) => Errors.Add($"page: {error}");
    }

    public IPage Page { get; }

    public List<string> Errors { get; } = [];

    /// <summary>Where screenshots are kept: artifacts/test-results/screenshots (CI keeps the folder).</summary>
    public static string Screenshots { get; } = Directory.CreateDirectory(Path.Combine(
        Environment.GetEnvironmentVariable("EDGEFED_TEST_RESULTS") ?? Path.Combine(EdgeFed.Agent.Tests.RepoPaths.Root, "artifacts", "test-results"), "screenshots")).FullName;

    public static async Task<Browser> LaunchAsync()
    {
        if (!File.Exists(Chromium))
        {
            throw new InvalidOperationException($"{Chromium} is missing: install Debian's chromium (eng/test.sh does).");
        }

        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium, Headless = true, Timeout = 60_000,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        page.SetDefaultTimeout(30_000);
        return new Browser(playwright, browser, page);
    }

    /// <summary>Opens a view and waits until it has drawn (or failed).</summary>
    public async Task OpenAsync(Uri http, string hash)
    {
        await Page.GotoAsync(new Uri(http, "/" + hash).ToString());
        await WaitLoadedAsync();
    }

    public async Task WaitLoadedAsync() =>
        await Page.WaitForFunctionAsync("() => ['true', 'error'].includes(document.getElementById('view')?.dataset.loaded)");

    public Task<string> TextAsync(string selector) => Page.Locator(selector).First.InnerTextAsync();

    public async Task ScreenshotAsync(string name) =>
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
