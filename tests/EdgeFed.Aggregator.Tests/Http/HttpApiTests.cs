using System.Globalization;
using System.Net;
using System.Text.Json;
using EdgeFed.Protocol.V1;
using Google.Protobuf.WellKnownTypes;
using Xunit;

namespace EdgeFed.Aggregator.Tests.Http;

/// <summary>The HTTP API's contract on a real Kestrel: mempool.space's shapes and headers, EdgeFed's routes, CSV, errors, k-anonymity.</summary>
public class HttpApiTests
{
    /// <summary>The store under test; the PostgreSQL run derives from this class.</summary>
    protected virtual TestStore Store => TestStore.Sqlite;

    private static int Blocks(string pool) => HttpFixture.Chain.Count(b => b.Pool == pool);

    [Fact]
    public async Task MempoolPools_HasTheShapeAndHeadersOfMempoolSpace_WithCountsFromTheMergedBlocks()
    {
        await using var api = await HttpFixture.StartAsync(store: Store);

        using var response = await api.Client.GetAsync("/api/v1/mining/pools/1w");
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = document.RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("public", response.Headers.Pragma.ToString());
        Assert.Equal("public", response.Headers.CacheControl?.ToString());
        Assert.InRange((response.Content.Headers.Expires!.Value - DateTimeOffset.UtcNow).TotalSeconds, 50, 61);
        Assert.Equal("200", response.Headers.GetValues("X-Total-Count").Single()); // heights 940000–940199
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal(200, root.GetProperty("blockCount").GetInt32()); // two node agents, each block once
        var pools = root.GetProperty("pools").EnumerateArray().ToList();
        var first = pools[0];
        Assert.Equal(("antpool", "AntPool", 1, Blocks("antpool")), // the fixture's largest pool
            (first.GetProperty("slug").GetString(), first.GetProperty("name").GetString(), first.GetProperty("rank").GetInt32(), first.GetProperty("blockCount").GetInt32()));
        Assert.Equal(10, pools.Sum(p => p.GetProperty("emptyBlocks").GetInt32()));
        Assert.Equal(JsonValueKind.Null, first.GetProperty("avgMatchRate").ValueKind);
        Assert.True(first.GetProperty("poolUniqueId").GetInt32() > 0);
        Assert.Equal(pools.Count, pools.Select(p => p.GetProperty("rank").GetInt32()).Distinct().Count());
        // 199 blocks of difficulty D over 199 × 360 s: D × 2^32 / 360 H/s.
        Assert.Equal(HttpFixture.Difficulty * 4294967296.0 / 360, root.GetProperty("lastEstimatedHashrate").GetDouble(), HttpFixture.Difficulty * 4294967296.0 / 360 * 1e-9);
    }

    [Fact]
    public async Task MempoolPool_OneSlug_AndAnUnknownSlugIs404LikeMempoolSpace()
    {
        await using var api = await HttpFixture.StartAsync(store: Store);

        var pool = await api.JsonAsync("/api/v1/mining/pool/antpool");
        var missing = await api.JsonAsync("/api/v1/mining/pool/no-such-pool", 404);

        Assert.Equal("AntPool", pool.GetProperty("pool").GetProperty("name").GetString());
        Assert.Equal(Blocks("antpool"), pool.GetProperty("blockCount").GetProperty("all").GetInt32());
        Assert.Equal((double)Blocks("antpool") / 200, pool.GetProperty("blockShare").GetProperty("1w").GetDouble(), 9);
        Assert.NotEmpty(pool.GetProperty("pool").GetProperty("regexes").EnumerateArray());
        Assert.Equal("This mining pool does not exist", missing.GetProperty("error").GetString());
    }

    [Fact]
    public async Task MempoolHashratePools_WeeklyPointsFromMonday_SharesOfEachWeekSumToOne()
    {
        await using var api = await HttpFixture.StartAsync(store: Store);

        var points = (await api.JsonAsync("/api/v1/mining/hashrate/pools/1m")).EnumerateArray().ToList();

        Assert.NotEmpty(points);
        foreach (var week in points.GroupBy(p => p.GetProperty("timestamp").GetInt64()))
        {
            Assert.Equal(DayOfWeek.Monday, DateTimeOffset.FromUnixTimeSeconds(week.Key).UtcDateTime.DayOfWeek);
            Assert.Equal(0, week.Key % 86_400);
            Assert.Equal(1.0, week.Sum(p => p.GetProperty("share").GetDouble()), 9);
        }

        Assert.Contains(points, p => p.GetProperty("poolName").GetString() == "Foundry USA" && p.GetProperty("avgHashrate").GetDouble() > 0);
    }

    [Theory]
    [InlineData("/api/v1/mining/pools/5x", "interval")]
    [InlineData("/api/v1/mining/pools/1w?foo=1", "foo")]
    [InlineData("/api/v1/series/concentration?dimension=colour", "dimension")]
    [InlineData("/api/v1/series/concentration?basis=blocks&dimension=vendor", "dimension")]
    [InlineData("/api/v1/series/concentration?step=minute", "step")]
    [InlineData("/api/v1/mci?ma=5", "ma")]
    [InlineData("/api/v1/coverage?from=yesterday", "from")]
    [InlineData("/api/v1/coverage?range=1w&from=2026-01-01", "range")]
    [InlineData("/api/v1/concentration.csv?basis=blocks&dimension=region", "dimension")]
    [InlineData("/api/v1/concentration?dimension=DIMENSION_COLOUR", "dimension")]
    [InlineData("/api/v1/concentration?dimension=DIMENSION_POOL&bogus=1", "bogus")]
    [InlineData("/api/v1/concentration?dimension=DIMENSION_POOL&from=yesterday", "from")]
    [InlineData("/api/v1/concentration?dimension=DIMENSION_VENDOR&basis=BASIS_BLOCKS", "dimension")]
    [InlineData("/api/v1/alerts?limit=-1", "limit")]
    [InlineData("/api/v1/agents?all=1", "all")]
    public async Task BadParameters_Are400_WithAMessageNamingTheParameter(string path, string parameter)
    {
        await using var api = await HttpFixture.StartAsync(store: Store, seed: false);

        var error = await api.JsonAsync(path, 400);

        // mempool.space's {"error"} on its routes and EdgeFed's; google.rpc.Status's {"code", "message"} on the transcoded RPCs.
        var message = error.TryGetProperty("error", out var e) ? e.GetString() : error.GetProperty("message").GetString();
        Assert.StartsWith(parameter + ":", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OversizedRequests_AreRefusedByKestrel_AndTheEndpointKeepsServing()
    {
        await using var api = await HttpFixture.StartAsync(store: Store, seed: false);

        using var longUrl = await api.Client.GetAsync("/api/v1/coverage?range=" + new string('x', 20_000));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/status");
        request.Headers.Add("X-Padding", new string('y', 40_000));
        using var bigHeaders = await api.Client.SendAsync(request);
        var status = await api.JsonAsync("/api/v1/status");

        Assert.Equal(HttpStatusCode.RequestUriTooLong, longUrl.StatusCode);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, bigHeaders.StatusCode);
        Assert.Equal(0, status.GetProperty("reports").GetInt64());
    }

    [Fact]
    public async Task TranscodedConcentration_IsTheGrpcAnswer_AndItsCsvHasTheSameRows()
    {
        await using var api = await HttpFixture.StartAsync(store: Store);

        var json = await api.JsonAsync("/api/v1/concentration?dimension=DIMENSION_POOL&basis=BASIS_BLOCKS");
        var grpc = await api.Host.Client.GetConcentrationAsync(new ConcentrationRequest { Dimension = Dimension.Pool, Basis = Basis.Blocks });
        var csv = (await api.TextAsync("/api/v1/concentration.csv?dimension=pool&basis=blocks&range=all")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(grpc.Hhi, json.GetProperty("hhi").GetDouble(), 9);
        Assert.Equal(grpc.Shares.Select(s => s.Entity), json.GetProperty("shares").EnumerateArray().Select(s => s.GetProperty("entity").GetString()));
        var top = json.GetProperty("shares")[0];
        Assert.True(top.GetProperty("interval").GetProperty("low").GetDouble() < top.GetProperty("share").GetDouble());
        Assert.Equal("entity,value,share,share_low,share_high,share_based_ths,share_api_ths,shares", csv[0]);
        Assert.Equal(grpc.Shares.Count, csv.Length - 1);
        var row = csv[1].Split(',');
        Assert.Equal((grpc.Shares[0].Entity, grpc.Shares[0].Share), (row[0], double.Parse(row[2], CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task HashrateViews_PublishOnlyWhatKAgentsBack_Everywhere()
    {
        await using var api = await HttpFixture.StartAsync(store: Store);

        var pools = await api.JsonAsync("/api/v1/concentration?dimension=DIMENSION_POOL&basis=BASIS_HASHRATE");
        var series = await api.JsonAsync("/api/v1/series/shares?basis=hashrate&dimension=pool&range=24h&step=hour");
        var csv = await api.TextAsync("/api/v1/series/shares?basis=hashrate&dimension=pool&range=24h&step=hour&format=csv");
        var regions = await api.JsonAsync("/api/v1/concentration?dimension=DIMENSION_REGION&basis=BASIS_HASHRATE");
        var coverage = await api.JsonAsync("/api/v1/coverage?range=24h");

        Assert.Equal(["foundryusa", "antpool"], pools.GetProperty("shares").EnumerateArray().Select(s => s.GetProperty("entity").GetString()));
        Assert.Equal(1, pools.GetProperty("suppressedEntities").GetInt32()); // ocean: one agent
        Assert.DoesNotContain(series.GetProperty("points").EnumerateArray(), p => p.GetProperty("entity").GetString() == "ocean");
        Assert.DoesNotContain("ocean", csv, StringComparison.Ordinal);
        Assert.Empty(regions.GetProperty("shares").EnumerateArray()); // CA has two agents, NO one: both held back
        Assert.Equal(2, coverage.GetProperty("suppressed").GetProperty("region").GetProperty("suppressed").GetInt32());
        Assert.Equal(3, coverage.GetProperty("agents").GetProperty("farm").GetInt32());
        // Averaged from the first window in the range: TH/s x 60 s windows of every cell (16,350 TH/s in all) over that span.
        var span = coverage.GetProperty("to").GetInt64() - coverage.GetProperty("federatedSince").GetInt64();
        Assert.Equal(16_350 * 60 * 1e12, coverage.GetProperty("federatedHashrateHs").GetDouble() * span, 16_350 * 60 * 1e12 * 1e-9);
    }

    [Fact]
    public async Task Coverage_WithFewerThanKFarms_HoldsTheFederatedTotalBack()
    {
        await using var api = await HttpFixture.StartAsync(store: Store, seed: false);
        await api.SendAsync("farm-solo", AgentKind.Farm, ReportBuilder.Report("farm-solo", 1, ReportBuilder.Cell("foundryusa", 5000)));

        var coverage = await api.JsonAsync("/api/v1/coverage?range=24h");

        Assert.Equal(JsonValueKind.Null, coverage.GetProperty("federatedHashrateHs").ValueKind);
    }

    [Fact]
    public async Task PoolPage_ShareIntervalLuckRunsAndGroup()
    {
        await using var api = await HttpFixture.StartAsync(store: Store);

        var foundry = await api.JsonAsync("/api/v1/pools/foundryusa?range=1w");
        var antpool = await api.JsonAsync("/api/v1/pools/antpool?range=1w");
        var hashrate = await api.Host.Client.GetConcentrationAsync(new ConcentrationRequest { Dimension = Dimension.Pool, Basis = Basis.Hashrate });

        var share = hashrate.Shares.Single(s => s.Entity == "foundryusa").Share;
        Assert.Equal(Blocks("foundryusa"), foundry.GetProperty("blocks").GetInt32());
        Assert.Equal(share * 200, foundry.GetProperty("expectedBlocks").GetDouble(), 6);
        Assert.Equal(Blocks("foundryusa") / (share * 200), foundry.GetProperty("luck").GetDouble(), 6);
        Assert.True(foundry.GetProperty("luckLow").GetDouble() < foundry.GetProperty("luck").GetDouble());
        Assert.True(foundry.GetProperty("longestRun").GetInt32() >= 5);
        Assert.Equal("AntPool & friends", antpool.GetProperty("templateProvider").GetString());
        Assert.Contains("poolin", antpool.GetProperty("groupMembers").EnumerateArray().Select(m => m.GetString()));
        await api.JsonAsync("/api/v1/pools/nosuchpool", 404);
    }

    [Fact]
    public async Task MciAndSeries_FromTheStoredBlocks_AndCsv()
    {
        await using var api = await HttpFixture.StartAsync(store: Store);

        var mci = await api.JsonAsync("/api/v1/mci?range=1w&ma=7");
        var proxy = await api.JsonAsync("/api/v1/mci?range=1w&ma=7&group=proxy");
        var series = await api.JsonAsync("/api/v1/series/concentration?basis=blocks&dimension=pool&range=1w&step=day");
        var csv = (await api.TextAsync("/api/v1/mci?range=1w&format=csv")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var runs = await api.JsonAsync("/api/v1/runs?range=1w&min=5");

        Assert.Equal(200, mci.GetProperty("days").EnumerateArray().Sum(d => d.GetProperty("blocks").GetInt32()));
        var day = mci.GetProperty("days")[0];
        Assert.True(proxy.GetProperty("days")[0].GetProperty("top")[0].GetDouble() >= day.GetProperty("top")[0].GetDouble()); // merging only raises the top
        Assert.Equal(200, series.GetProperty("points").EnumerateArray().Sum(p => p.GetProperty("total").GetDouble()));
        Assert.StartsWith("day,blocks,top2", csv[0], StringComparison.Ordinal);
        Assert.Equal(mci.GetProperty("days").GetArrayLength(), csv.Length - 1);
        var run = Assert.Single(runs.GetProperty("runs").EnumerateArray(), r => r.GetProperty("firstHeight").GetInt64() == 940_100);
        Assert.Equal(("foundryusa", 6), (run.GetProperty("pool").GetString(), run.GetProperty("length").GetInt32())); // 940100–940105: the cycle's own foundryusa extends the five
    }

    [Fact]
    public async Task Endpoints_KeepTheirTraffic_GrpcNotOnHttp_ApiNotOnGrpc_AndMetricsCount()
    {
        await using var api = await HttpFixture.StartAsync(store: Store);

        using var grpcOnHttp = new HttpRequestMessage(HttpMethod.Post, "/edgefed.v1.Aggregator/ListAgents") { Content = new ByteArrayContent([0, 0, 0, 0, 0]) };
        grpcOnHttp.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
        using var refused = await api.Client.SendAsync(grpcOnHttp);
        using var h2c = new HttpClient { BaseAddress = api.Host.Address, DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var apiOnGrpc = await h2c.GetAsync("/api/v1/status");
        var metrics = await api.TextAsync("/metrics");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, refused.StatusCode); // read-only: a gRPC call is a POST
        Assert.Equal(HttpStatusCode.NotFound, apiOnGrpc.StatusCode);
        Assert.Contains("edgefed_reports_acked_total{duplicate=\"false\"} 5", metrics, StringComparison.Ordinal);
        Assert.Contains("edgefed_concentration{basis=\"blocks\",dimension=\"pool\",metric=\"nakamoto\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("edgefed_store_commit_seconds_count", metrics, StringComparison.Ordinal);
        // Memory as the process and the GC see it, read at the scrape: this process's own, so only plausible ranges.
        Assert.InRange(Gauge(metrics, "edgefed_aggregator_resident_memory_bytes"), 16 << 20, 64L << 30);
        Assert.InRange(Gauge(metrics, "edgefed_aggregator_gc_committed_bytes"), 1 << 20, 64L << 30);
        Assert.InRange(Gauge(metrics, "edgefed_aggregator_gc_heap_bytes"), 0, Gauge(metrics, "edgefed_aggregator_gc_committed_bytes"));
    }

    private static double Gauge(string metrics, string name) =>
        double.Parse(System.Text.RegularExpressions.Regex.Match(metrics, $"^{name} (\\S+)$", System.Text.RegularExpressions.RegexOptions.Multiline) is { Success: true } m
            ? m.Groups[1].Value : throw new Xunit.Sdk.XunitException($"{name} is not in /metrics"), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Agents_AndAlerts_AsJson_WithoutKeys()
    {
        await using var api = await HttpFixture.StartAsync(store: Store);

        var text = await api.TextAsync("/api/v1/agents");
        var agents = JsonDocument.Parse(text).RootElement.GetProperty("agents").EnumerateArray().ToList();

        Assert.Equal(["farm-1", "farm-2", "farm-3", "node-a", "node-b"], agents.Select(a => a.GetProperty("agentId").GetString()));
        Assert.DoesNotContain("key", text, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(JsonValueKind.Array, (await api.JsonAsync("/api/v1/alerts?limit=5")).GetProperty("alerts").ValueKind);
    }
}

/// <summary>The Grafana dashboard in deploy/ charts only metrics the aggregator and the agent really export.</summary>
public sealed class GrafanaDashboardTests
{
    [Fact]
    public async Task EveryMetricInTheGrafanaDashboard_IsExportedByTheAggregatorOrTheAgent()
    {
        await using var api = await HttpFixture.StartAsync();
        var exported = await api.TextAsync("/metrics");
        var agent = new EdgeFed.Agent.Metrics.AgentMetrics();
        agent.RecordCycle([], ["healthy"]);
        agent.PollErrors.WithLabels("Timeout").Inc();
        using var stream = new MemoryStream();
        await agent.Registry.CollectAndExportAsTextAsync(stream);
        exported += System.Text.Encoding.UTF8.GetString(stream.ToArray());
        var dashboard = await File.ReadAllTextAsync(Path.Combine(EdgeFed.Agent.Tests.RepoPaths.Root, "deploy", "grafana", "edgefed.json"));

        var names = System.Text.RegularExpressions.Regex.Matches(dashboard, "edgefed_[a-z0-9_]+").Select(m => m.Value).Distinct().ToList();

        Assert.True(names.Count >= 8, string.Join(", ", names));
        Assert.All(names, name => Assert.Contains(name, exported, StringComparison.Ordinal));
    }
}

/// <summary>The same tests against a real PostgreSQL server.</summary>
public sealed class HttpApiTestsOnPostgres : HttpApiTests
{
    protected override TestStore Store => TestStore.Postgres;
}
