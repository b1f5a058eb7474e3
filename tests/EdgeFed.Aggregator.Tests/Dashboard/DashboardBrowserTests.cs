using System.Globalization;
using System.Text.Json;
using EdgeFed.Aggregator.Tests.Http;
using EdgeFed.Protocol.V1;
using Google.Protobuf.WellKnownTypes;
using Xunit;

namespace EdgeFed.Aggregator.Tests.Dashboard;

/// <summary>
/// The dashboard in a real headless Chromium against a real aggregator: every view loads without a console error,
/// the numbers it draws are the API's, range switching, deep links and live refresh work; a screenshot of each view
/// is kept in artifacts/test-results/screenshots.
/// </summary>
public sealed class DashboardBrowserTests
{
    private static string Pct(double share, int digits = 1) => (100 * share).ToString("F" + digits, CultureInfo.InvariantCulture) + " %";

    private static string Num(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    [Fact]
    public async Task EveryView_LoadsWithoutErrors_AndDrawsTheApisNumbers()
    {
        await using var api = await HttpFixture.StartAsync();
        await using var browser = await Browser.LaunchAsync();
        var http = api.Host.Http!;

        await browser.OpenAsync(http, "#/network?range=1w");
        var ranking = await api.JsonAsync(await browser.Page.Locator("section#ranking").GetAttributeAsync("data-source") ?? "");
        var antpool = ranking.GetProperty("shares").EnumerateArray().First(s => s.GetProperty("entity").GetString() == "antpool");
        Assert.Equal("true", await browser.Page.Locator("#view").GetAttributeAsync("data-loaded"));
        Assert.Equal(Num(ranking.GetProperty("total").GetDouble()), await browser.TextAsync("[data-testid=blocks]"));
        Assert.Equal(Num(ranking.GetProperty("hhi").GetDouble()), await browser.TextAsync("[data-testid=hhi]"));
        Assert.Equal(Pct(ranking.GetProperty("cr2").GetDouble()), await browser.TextAsync("[data-testid=cr2]"));
        Assert.Equal(Pct(antpool.GetProperty("share").GetDouble()), await browser.TextAsync("#ranking-table tr[data-key=antpool] td:nth-child(4)"));
        Assert.Equal("6", await browser.TextAsync("#runs-table tr[data-key='foundryusa:940100'] td:nth-child(2)"));
        foreach (var chart in new[] { "ranking-chart", "dominance-chart", "mci-chart", "hhi-chart" })
        {
            Assert.Equal("true", await browser.Page.Locator($"#{chart}").GetAttributeAsync("data-ready"));
        }

        await browser.ScreenshotAsync("network");

        // The CSV link beside the HHI chart: the same series the chart draws, fetched as the page links it.
        var csvHref = await browser.Page.Locator("section#hhi a.csv").GetAttributeAsync("href") ?? "";
        var csv = (await browser.Page.EvaluateAsync<string>("href => fetch(href).then(r => r.text())", csvHref)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var series = await api.JsonAsync(await browser.Page.Locator("section#hhi").GetAttributeAsync("data-source") ?? "");
        var points = series.GetProperty("points").EnumerateArray().ToList();
        Assert.StartsWith("timestamp,total,entities,cr1,cr2,cr4,cr6,hhi,", csv[0], StringComparison.Ordinal);
        Assert.Equal(points.Count, csv.Length - 1);
        Assert.Equal(points.Sum(p => p.GetProperty("total").GetDouble()), csv.Skip(1).Sum(line => double.Parse(line.Split(',')[1], CultureInfo.InvariantCulture)));
        Assert.Equal(points[0].GetProperty("hhi").GetDouble(), double.Parse(csv[1].Split(',')[7], CultureInfo.InvariantCulture), 9);

        await browser.OpenAsync(http, "#/federated?range=24h");
        var hashrate = await api.Host.Client.GetConcentrationAsync(new ConcentrationRequest
        {
            Dimension = Dimension.Pool, Basis = Basis.Hashrate, From = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-1).AddMinutes(-2)),
        });
        Assert.Equal(Pct(hashrate.Shares.Single(s => s.Entity == "foundryusa").Share), await browser.TextAsync("#fed-pool-table tr[data-key=foundryusa] td:nth-child(2)"));
        Assert.Equal(0, await browser.Page.Locator("#fed-pool-table tr[data-key=ocean]").CountAsync()); // one agent: held back
        await browser.ScreenshotAsync("federated");

        await browser.OpenAsync(http, "#/coverage?range=24h");
        var coverage = await api.JsonAsync("/api/v1/coverage?range=24h");
        Assert.Equal($"{coverage.GetProperty("agents").GetProperty("reporting").GetInt32()} of 5", await browser.TextAsync("[data-testid=agents-reporting]"));
        await browser.ScreenshotAsync("coverage");

        await browser.OpenAsync(http, "#/pool/antpool?range=1w");
        var pool = await api.JsonAsync("/api/v1/pools/antpool?range=1w");
        Assert.Equal($"{pool.GetProperty("blocks").GetInt32()} of {pool.GetProperty("totalBlocks").GetInt32()}", await browser.TextAsync("[data-testid=pool-blocks]"));
        Assert.Equal(Pct(pool.GetProperty("luck").GetDouble(), 0), await browser.TextAsync("[data-testid=pool-luck]"));
        await browser.ScreenshotAsync("pool");

        await browser.OpenAsync(http, "#/agents");
        Assert.Equal(5, await browser.Page.Locator("#agents-table tbody tr").CountAsync());
        await browser.ScreenshotAsync("agents");

        await browser.OpenAsync(http, "#/alerts");
        await browser.ScreenshotAsync("alerts");

        Assert.Empty(browser.Errors);
    }

    [Fact]
    public async Task RangeButtons_AndControls_LiveInTheUrl_AndDeepLinksOpenTheSameView()
    {
        await using var api = await HttpFixture.StartAsync();
        await using var browser = await Browser.LaunchAsync();
        var http = api.Host.Http!;

        await browser.OpenAsync(http, "#/network?range=1w");
        await browser.Page.Locator("#ranges button[data-range='24h']").ClickAsync();
        await browser.Page.WaitForFunctionAsync("() => location.hash.includes('range=24h')");
        await browser.WaitLoadedAsync();
        await browser.Page.Locator("#mci-ma").SelectOptionAsync("7");
        await browser.Page.WaitForFunctionAsync("() => location.hash.includes('ma=7')");
        await browser.WaitLoadedAsync();
        var deepLink = await browser.Page.EvaluateAsync<string>("() => location.hash");
        var mciSource = await browser.Page.Locator("section#mci").GetAttributeAsync("data-source");

        Assert.Contains("range=24h", deepLink, StringComparison.Ordinal);
        Assert.Equal("/api/v1/mci?range=24h&ma=7&group=none", mciSource);
        Assert.Equal("true", await browser.Page.Locator("#ranges button[data-range='24h']").GetAttributeAsync("class") is "active" ? "true" : "false");

        await using var second = await Browser.LaunchAsync();
        await second.OpenAsync(http, deepLink);
        Assert.Equal(mciSource, await second.Page.Locator("section#mci").GetAttributeAsync("data-source"));
        Assert.Equal("7", await second.Page.Locator("#mci-ma").InputValueAsync());
        Assert.Empty(browser.Errors.Concat(second.Errors));
    }

    [Fact]
    public async Task NewBlocks_AreDrawn_WithoutReloadingThePage()
    {
        await using var api = await HttpFixture.StartAsync();
        await using var browser = await Browser.LaunchAsync();
        await browser.Page.GotoAsync(new Uri(api.Host.Http!, "/?refresh=1#/network?range=1w").ToString());
        await browser.WaitLoadedAsync();
        await browser.Page.EvaluateAsync("() => { window.__sameDocument = true; }");
        Assert.Equal("200", await browser.TextAsync("[data-testid=blocks]"));

        var report = ReportBuilder.Report("node-c", 1);
        report.Kind = AgentKind.Node;
        report.Blocks.Add(new BlockObservation
        {
            Height = 940_200, BlockHash = $"{940_200:x64}", Pool = "ocean", AttributionMethod = "tag", BlockTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)),
            Difficulty = HttpFixture.Difficulty, TxCount = 3000,
        });
        await api.SendAsync("node-c", AgentKind.Node, report);
        await browser.Page.WaitForFunctionAsync("() => document.querySelector('[data-testid=blocks]')?.textContent === '201'", null, new() { Timeout = 30_000 });

        Assert.True(await browser.Page.EvaluateAsync<bool>("() => window.__sameDocument === true")); // redrawn in place, not reloaded
        Assert.Empty(browser.Errors);
    }
}
