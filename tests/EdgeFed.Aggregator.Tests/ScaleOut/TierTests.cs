using EdgeFed.Aggregator.Storage;
using EdgeFed.Protocol.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static EdgeFed.Aggregator.Tests.ReportBuilder;

namespace EdgeFed.Aggregator.Tests.ScaleOut;

/// <summary>
/// Tiers: regional aggregators forward, per closed window, their merged k-anonymous cells and their blocks to a global
/// one as agents of kind AGENT_KIND_AGGREGATOR. The global one counts them once, merges blocks by hash, applies its own
/// k over the agents behind the regionals, and lists how many agents stand behind each; a cut-off regional catches up.
/// </summary>
public sealed class TierTests
{
    internal const string RegionalToken = "regional-enrolment-token-0123456789";
    private static readonly long Base = (DateTimeOffset.UtcNow.AddHours(-3).ToUnixTimeSeconds() / 600) * 600;

    internal static Dictionary<string, string?> RegionalSettings(AggregatorHost global, string id, string region) => new()
    {
        ["Aggregator:Upstream:Url"] = global.Address.ToString(), ["Aggregator:Upstream:AgentId"] = id, ["Aggregator:Upstream:Region"] = region,
        ["Aggregator:Upstream:EnrolmentToken"] = RegionalToken, ["Aggregator:Upstream:Window"] = "00:10:00", ["Aggregator:Upstream:Grace"] = "00:00:03",
        ["Aggregator:Upstream:Every"] = "00:00:00.200",
    };

    internal static Dictionary<string, string?> GlobalSettings => new() { ["Aggregator:RegionalEnrolmentToken"] = RegionalToken };

    [Fact]
    public async Task TwoRegionals_AreCountedOnce_BlocksMergeByHash_KHoldsAtBothTiers_AndTheAgentListShowsWhoIsBehind()
    {
        await using var global = await AggregatorHost.StartAsync(minAgents: 3, settings: GlobalSettings);
        await using var ca = await AggregatorHost.StartAsync(minAgents: 2, settings: RegionalSettings(global, "region-ca", "CA"));
        await using var no = await AggregatorHost.StartAsync(minAgents: 2, settings: RegionalSettings(global, "region-no", "NO"));
        // CA: three farms on foundryusa, one of them also on antpool (behind one agent: held back at the region).
        foreach (var farm in new[] { "ca-1", "ca-2", "ca-3" })
        {
            await SendAsync(ca, farm, AgentKind.Farm, RegionalWindows(0, 2).Select(w => At(Report(farm, 0, [Cell("foundryusa", 100), .. farm == "ca-1" ? [Cell("antpool", 40)] : Array.Empty<AggregateCell>()]), w)));
        }

        // NO: two farms on foundryusa and viabtc (viabtc behind 2 agents in all: published at the region, held back globally at k = 3).
        foreach (var farm in new[] { "no-1", "no-2" })
        {
            await SendAsync(no, farm, AgentKind.Farm, RegionalWindows(0, 2).Select(w => At(Report(farm, 0, Cell("foundryusa", 50), Cell("viabtc", 30)), w)));
        }

        // Both regions' node agents saw block 1; each saw one more of its own.
        await SendAsync(ca, "ca-node", AgentKind.Node, [Blocks(Report("ca-node", 0), 0, (1, "foundryusa"), (2, "antpool"))]);
        await SendAsync(no, "no-node", AgentKind.Node, [Blocks(Report("no-node", 0), 0, (1, "foundryusa"), (3, "viabtc"))]);

        await WaitForwardedAsync(ca, 2);
        await WaitForwardedAsync(no, 2);
        await ca.Services.GetRequiredService<Upstream.UpstreamForwarder>().DrainAsync(default); // sending again changes nothing

        var pools = await global.Client.GetConcentrationAsync(new ConcentrationRequest { Dimension = Dimension.Pool, Basis = Basis.Hashrate });
        var blocks = await global.Client.GetConcentrationAsync(new ConcentrationRequest { Dimension = Dimension.Pool, Basis = Basis.Blocks });
        var agents = (await global.Client.ListAgentsAsync(new ListAgentsRequest())).Agents;

        Assert.Equal(2 * (3 * 100 + 2 * 50), pools.Shares.Single(s => s.Entity == "foundryusa").Value, 6); // as if the five farms reported here
        Assert.DoesNotContain(pools.Shares, s => s.Entity is "antpool" or "viabtc");
        Assert.Equal(1u, pools.SuppressedEntities); // viabtc: behind 2 agents (k = 3); antpool never left CA
        Assert.Equal(3, blocks.Total); // block 1 once, though both regions sent it
        // Behind each regional's latest window: CA's three farms (its node agent reported in the first window only), NO's two.
        Assert.Equal([("region-ca", AgentKind.Aggregator, 3u, 2ul), ("region-no", AgentKind.Aggregator, 2u, 2ul)],
            agents.Select(a => (a.AgentId, a.Kind, a.AgentsBehind, a.Reports)));
    }

    [Fact]
    public async Task OnlyTheRegionalToken_EnrolsAnAggregator_AndAnOrdinaryAgentCannotSendMergedCells()
    {
        await using var global = await AggregatorHost.StartAsync(minAgents: 1, settings: GlobalSettings);

        var refused = await Assert.ThrowsAsync<RpcException>(() => global.Client.EnrollAsync(
            new EnrollRequest { AgentId = "fake-region", EnrolmentToken = AggregatorHost.Token, Kind = AgentKind.Aggregator }).ResponseAsync);
        var key = (await global.Client.EnrollAsync(new EnrollRequest { AgentId = "farm", EnrolmentToken = AggregatorHost.Token, Region = "CA" })).AgentKey;
        using var call = global.Client.Report(new CallOptions(new Metadata { { "authorization", "Bearer " + key } }));
        var cell = Cell("foundryusa", 100);
        cell.Agents = 50; // claiming fifty agents would get past k alone
        var rejected = await RefusalAsync(call, Report("farm", 1, cell));

        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, rejected.StatusCode);
        Assert.Contains("AGENT_KIND_AGGREGATOR", rejected.Status.Detail, StringComparison.Ordinal);
    }

    internal static IEnumerable<long> RegionalWindows(int first, int count) => Enumerable.Range(first, count).Select(i => Base + 600L * i);

    /// <summary>Moves a report into the agent window at <paramref name="windowStart"/> + 2 minutes (inside the regional window).</summary>
    internal static AggregateReport At(AggregateReport report, long windowStart)
    {
        (report.WindowStart, report.WindowEnd) = (new Timestamp { Seconds = windowStart + 120 }, new Timestamp { Seconds = windowStart + 180 });
        return report;
    }

    private static AggregateReport Blocks(AggregateReport report, int window, params (int Number, string Pool)[] blocks)
    {
        report.Kind = AgentKind.Node;
        At(report, RegionalWindows(window, 1).Single());
        report.Blocks.AddRange(blocks.Select(b => new BlockObservation
        {
            Height = (uint)(920_000 + b.Number), BlockHash = $"{920_000 + b.Number:x64}", Pool = b.Pool, AttributionMethod = "tag",
            BlockTime = new Timestamp { Seconds = RegionalWindows(window, 1).Single() + 60 * b.Number },
        }));
        return report;
    }

    /// <summary>Enrols <paramref name="agent"/> and streams its reports (numbered here) to <paramref name="host"/>.</summary>
    internal static async Task SendAsync(AggregatorHost host, string agent, AgentKind kind, IEnumerable<AggregateReport> reports)
    {
        var key = (await host.Client.EnrollAsync(new EnrollRequest { AgentId = agent, EnrolmentToken = AggregatorHost.Token, Region = "CA", Kind = kind })).AgentKey;
        using var call = host.Client.Report(new CallOptions(new Metadata { { "authorization", "Bearer " + key } }));
        var sequence = 0UL;
        foreach (var report in reports)
        {
            (report.Sequence, report.Kind) = (++sequence, kind);
            await call.RequestStream.WriteAsync(report);
            Assert.True(await call.ResponseStream.MoveNext());
        }

        await call.RequestStream.CompleteAsync();
    }

    /// <summary>Waits (bounded) until the regional has built and sent <paramref name="windows"/> windows upstream.</summary>
    internal static async Task WaitForwardedAsync(AggregatorHost regional, int windows)
    {
        var store = regional.Services.GetRequiredService<ReportStore>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await store.UpstreamProgressAsync(timeout.Token) is var (built, acked) && (built < windows || acked < built))
        {
            await Task.Delay(100, timeout.Token);
        }
    }
}
