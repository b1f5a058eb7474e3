using EdgeFed.Agent.Extensions;
using EdgeFed.Protocol.V1;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;

namespace EdgeFed.Aggregator.Tests;

/// <summary>The agent service (same wiring as `edgefed-agent run`) against the real aggregator.</summary>
public sealed class AgentUplinkTests
{
    private static IHost BuildAgent(AggregatorHost aggregator, string stateDirectory, string? token = AggregatorHost.Token)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agent:AgentId"] = "farm-test",
            ["Agent:Region"] = "NO",
            ["Agent:AggregatorUrl"] = aggregator.Address.ToString(),
            ["Agent:EnrolmentToken"] = token,
            ["Agent:StateDirectory"] = stateDirectory,
            ["Agent:Window"] = "00:00:01",
            ["Agent:MaxReports"] = "2",
        });
        builder.AddEdgeAgent();
        return builder.Build();
    }

    [Fact]
    public async Task Agent_Enrols_SendsReports_AndSequenceContinuesAfterRestart()
    {
        await using var aggregator = await AggregatorHost.StartAsync(minAgents: 1);
        var state = Path.Combine(aggregator.Directory, "agent");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        using (var first = BuildAgent(aggregator, state))
        {
            await first.RunAsync(timeout.Token);
        }

        using (var second = BuildAgent(aggregator, state, token: null))
        {
            await second.RunAsync(timeout.Token); // no token now: the stored key must be used
        }

        var regions = await aggregator.Client.GetConcentrationAsync(new ConcentrationRequest { Dimension = Dimension.Region, Basis = Basis.Hashrate });
        Assert.Equal(1u, regions.ContributingAgents);
        using var store = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(aggregator.Directory, "aggregator.db")}");
        store.Open();
        using var command = store.CreateCommand();
        command.CommandText = "SELECT group_concat(sequence) FROM (SELECT sequence FROM reports WHERE agent_id = 'farm-test' ORDER BY sequence)";
        Assert.Equal("1,2,3,4", command.ExecuteScalar());
    }
}
