using Grpc.Net.Client;
using Grpc.Core;
using EdgeFed.Protocol.V1;
using Xunit;
using static EdgeFed.Aggregator.Tests.ReportBuilder;

namespace EdgeFed.Aggregator.Tests;

public class KAnonymityTests
{
    /// <summary>The store under test; the PostgreSQL run derives from this class.</summary>
    protected virtual TestStore Store => TestStore.Sqlite;

    [Fact]
    public async Task EntityBackedByFewerThanKAgents_IsSuppressed()
    {
        await using var host = await AggregatorHost.StartAsync(store: Store, minAgents: 2);
        foreach (var agent in new[] { "farm-a", "farm-b" })
        {
            var key = (await host.Client.EnrollAsync(new EnrollRequest { AgentId = agent, EnrolmentToken = AggregatorHost.Token })).AgentKey;
            using var call = host.Client.Report(new CallOptions(new Metadata { { "authorization", "Bearer " + key } }));
            var cells = agent == "farm-a" ? new[] { Cell("foundryusa", 100), Cell("ocean", 50) } : new[] { Cell("foundryusa", 100) };
            await call.RequestStream.WriteAsync(Report(agent, 1, cells));
            Assert.True(await call.ResponseStream.MoveNext());
        }

        var pools = await host.Client.GetConcentrationAsync(new ConcentrationRequest { Dimension = Dimension.Pool, Basis = Basis.Hashrate });

        Assert.Equal(["foundryusa"], pools.Shares.Select(s => s.Entity));
        Assert.Equal(1u, pools.SuppressedEntities);
        Assert.Equal(2u, pools.ContributingAgents);
    }
}

/// <summary>The same tests against a real PostgreSQL server.</summary>
public sealed class KAnonymityTestsOnPostgres : KAnonymityTests
{
    protected override TestStore Store => TestStore.Postgres;
}
