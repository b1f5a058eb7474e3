using System.Text.Json;
using EdgeFed.Protocol.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Xunit;

namespace EdgeFed.Aggregator.Tests.Http;

/// <summary>
/// A real aggregator with its HTTP endpoint on 127.0.0.1:0 and the real pool catalogue, fed over gRPC by three farm
/// agents and two node agents: 200 blocks over the last 20 hours (10 empty, a run of 5 by foundryusa), hashrate
/// cells of three pools (one backed by a single agent, so k = 3 suppresses it).
/// </summary>
internal sealed class HttpFixture : IAsyncDisposable
{
    public const double Difficulty = 1.4e14;
    private readonly HttpClient _client;

    private HttpFixture(AggregatorHost host)
    {
        Host = host;
        _client = new HttpClient { BaseAddress = host.Http, Timeout = TimeSpan.FromSeconds(30) };
    }

    public AggregatorHost Host { get; }

    public HttpClient Client => _client;

    /// <summary>The seeded chain: height, pool, time.</summary>
    public static IReadOnlyList<(uint Height, string Pool, long Time, uint Tx)> Chain { get; } = BuildChain();

    public static async Task<HttpFixture> StartAsync(Dictionary<string, string?>? settings = null, bool seed = true, TestStore store = TestStore.Sqlite)
    {
        settings ??= [];
        settings["Aggregator:CatalogPath"] = Path.GetFullPath(Path.Combine(EdgeFed.Agent.Tests.RepoPaths.Root, "..", "shared", "data", "pools", "pool-list.json"));
        var host = await AggregatorHost.StartAsync(minAgents: 3, settings: settings, http: true, store: store);
        var fixture = new HttpFixture(host);
        if (seed)
        {
            await fixture.SeedAsync();
        }

        return fixture;
    }

    private static List<(uint, string, long, uint)> BuildChain()
    {
        var pools = new[] { "foundryusa", "antpool", "antpool", "f2pool", "viabtc", "foundryusa", "marapool", "spiderpool", "antpool", "binancepool" };
        var start = DateTimeOffset.UtcNow.AddHours(-20).ToUnixTimeSeconds();
        var chain = new List<(uint, string, long, uint)>();
        for (var i = 0; i < 200; i++)
        {
            var pool = i is >= 100 and < 105 ? "foundryusa" : pools[(i * 7) % pools.Length];
            chain.Add(((uint)(940_000 + i), pool, start + 360 * i, i % 20 == 3 ? 1u : 2500u));
        }

        return chain;
    }

    private async Task SeedAsync()
    {
        foreach (var node in new[] { "node-a", "node-b" })
        {
            var report = ReportBuilder.Report(node, 1);
            report.Kind = AgentKind.Node;
            report.Region = "US";
            report.Blocks.AddRange(Chain.Select(b => new BlockObservation
            {
                Height = b.Height, BlockHash = $"{b.Height:x64}", Pool = b.Pool, AttributionMethod = "tag", BlockTime = new Timestamp { Seconds = b.Time },
                Difficulty = Difficulty, TxCount = b.Tx,
            }));
            await SendAsync(node, AgentKind.Node, report);
        }

        var farms = new[] { ("farm-1", "CA"), ("farm-2", "NO"), ("farm-3", "CA") };
        for (var f = 0; f < farms.Length; f++)
        {
            var (agent, region) = farms[f];
            var report = ReportBuilder.Report(agent, 1, ReportBuilder.Cell("foundryusa", 3000 + 100 * f), ReportBuilder.Cell("antpool", 2000 + 50 * f));
            report.Region = region;
            if (f == 0)
            {
                report.Cells.Add(ReportBuilder.Cell("ocean", 900)); // one agent only: never published at k = 3
            }

            await SendAsync(agent, AgentKind.Farm, report);
        }
    }

    public async Task SendAsync(string agent, AgentKind kind, AggregateReport report)
    {
        var key = (await Host.Client.EnrollAsync(new EnrollRequest { AgentId = agent, EnrolmentToken = AggregatorHost.Token, Region = report.Region, Kind = kind })).AgentKey;
        using var call = Host.Client.Report(new CallOptions(new Metadata { { "authorization", "Bearer " + key } }, DateTime.UtcNow.AddSeconds(30)));
        await call.RequestStream.WriteAsync(report);
        Assert.True(await call.ResponseStream.MoveNext());
        await call.RequestStream.CompleteAsync();
    }

    public async Task<JsonElement> JsonAsync(string path, int status = 200)
    {
        using var response = await _client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"{path}: HTTP {(int)response.StatusCode}, expected {status}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public async Task<string> TextAsync(string path)
    {
        using var response = await _client.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"{path}: HTTP {(int)response.StatusCode}");
        return await response.Content.ReadAsStringAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await Host.DisposeAsync();
    }
}
