using EdgeFed.Protocol.V1;
using Grpc.Core;
using Xunit;
using static EdgeFed.Aggregator.Tests.ReportBuilder;

namespace EdgeFed.Aggregator.Tests;

/// <summary>Share-based hashrate next to the API figure at the aggregator: stored, published with the entity, flagged when they disagree.</summary>
public class ShareHashrateTests
{
    /// <summary>The store under test; the PostgreSQL run derives from this class.</summary>
    protected virtual TestStore Store => TestStore.Sqlite;

    private static AggregateCell Measured(string pool, double apiThs, double shareThs, ulong shares) => new AggregateCell(Cell(pool, apiThs))
    {
        ShareHashrateThs = shareThs, ShareApiHashrateThs = apiThs, ShareCount = shares, ShareMiners = 1,
    };

    private static async Task<(AsyncDuplexStreamingCall<AggregateReport, ReportAck> Call, string Key)> OpenAsync(AggregatorHost host, string agent)
    {
        var key = (await host.Client.EnrollAsync(new EnrollRequest { AgentId = agent, EnrolmentToken = AggregatorHost.Token })).AgentKey;
        return (host.Client.Report(new CallOptions(new Metadata { { "authorization", "Bearer " + key } })), key);
    }

    [Fact]
    public async Task TheAggregator_ShowsBoth_AndFlagsADisagreementBeyondTheError()
    {
        await using var host = await AggregatorHost.StartAsync(store: Store, minAgents: 1);
        var (call, _) = await OpenAsync(host, "farm-shares");
        using (call)
        {
            // foundryusa: 198 vs 200 TH/s from 2700 shares (±1.9 %): agree. ocean: 100 vs 150 TH/s from 400 shares (±5 %): disagree.
            await call.RequestStream.WriteAsync(Report("farm-shares", 1, Measured("foundryusa", 200, 198, 2700), Measured("ocean", 150, 100, 400), Cell("antpool", 80)));
            Assert.True(await call.ResponseStream.MoveNext());
        }

        var pools = await host.Client.GetConcentrationAsync(new ConcentrationRequest { Dimension = Dimension.Pool, Basis = Basis.Hashrate });
        var foundry = pools.Shares.Single(s => s.Entity == "foundryusa");
        var ocean = pools.Shares.Single(s => s.Entity == "ocean");
        var antpool = pools.Shares.Single(s => s.Entity == "antpool");

        Assert.Equal((200.0, 198.0, 200.0, 2700ul, false, 0u), (foundry.Value, foundry.ShareBasedThs, foundry.ShareApiThs, foundry.Shares, foundry.ShareDisagrees, foundry.DisagreeingCells));
        Assert.Equal(1 / Math.Sqrt(2700), foundry.ShareRelativeError, 12);
        Assert.Equal((100.0, 150.0, true, 1u), (ocean.ShareBasedThs, ocean.ShareApiThs, ocean.ShareDisagrees, ocean.DisagreeingCells));
        Assert.Equal((0ul, 0.0, false), (antpool.Shares, antpool.ShareBasedThs, antpool.ShareDisagrees)); // no proxy saw its miners
    }

    [Fact]
    public async Task ShareFigures_StayBehindKAnonymity()
    {
        await using var host = await AggregatorHost.StartAsync(store: Store, minAgents: 2);
        var (call, _) = await OpenAsync(host, "lone-farm");
        using (call)
        {
            await call.RequestStream.WriteAsync(Report("lone-farm", 1, Measured("ocean", 150, 100, 400)));
            Assert.True(await call.ResponseStream.MoveNext());
        }

        var pools = await host.Client.GetConcentrationAsync(new ConcentrationRequest { Dimension = Dimension.Pool, Basis = Basis.Hashrate });

        Assert.Empty(pools.Shares);
        Assert.Equal(1u, pools.SuppressedEntities);
    }

    [Theory]
    [InlineData(double.NaN, 1ul, 1u, "share_hashrate_ths")]
    [InlineData(-1.0, 1ul, 1u, "share_hashrate_ths")]
    [InlineData(100.0, 10ul, 11u, "share_miners")]
    [InlineData(100.0, 0ul, 1u, "share_count")]
    public async Task ImplausibleShareFigures_AreRefused_NamingTheField(double shareThs, ulong shares, uint shareMiners, string field)
    {
        await using var host = await AggregatorHost.StartAsync(store: Store, minAgents: 1);
        var (call, _) = await OpenAsync(host, "farm-bad");
        using (call)
        {
            var cell = new AggregateCell(Cell("ocean", 150)) { ShareHashrateThs = shareThs, ShareApiHashrateThs = 150, ShareCount = shares, ShareMiners = shareMiners };
            var refusal = await RefusalAsync(call, Report("farm-bad", 1, cell));

            Assert.Equal(StatusCode.InvalidArgument, refusal.StatusCode);
            Assert.Contains(field, refusal.Status.Detail, StringComparison.Ordinal);
        }
    }
}

/// <summary>The same tests against a real PostgreSQL server.</summary>
public sealed class ShareHashrateTestsOnPostgres : ShareHashrateTests
{
    protected override TestStore Store => TestStore.Postgres;
}
