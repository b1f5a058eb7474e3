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
    private static IHost BuildAgent(AggregatorHost aggregator, string stateDirectory, string? token = AggregatorHost.Token, Dictionary<string, string?>? extra = null)
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
        if (extra is not null)
        {
            builder.Configuration.AddInMemoryCollection(extra);
        }

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

    [Fact]
    public async Task Agent_OverTls_WithItsConfiguredPrivateCa_Reports()
    {
        using var ca = EdgeFed.Protocol.Tests.Infrastructure.TestCertificates.CreateCertificateAuthority(out var serverCertificate);
        await using var aggregator = await AggregatorHost.StartAsync(minAgents: 1, certificate: serverCertificate);
        var caFile = Path.Combine(aggregator.Directory, "aggregator-ca.pem");
        await File.WriteAllTextAsync(caFile, ca.ExportCertificatePem());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var agent = BuildAgent(aggregator, Path.Combine(aggregator.Directory, "agent"), extra: new() { ["Agent:AggregatorCaFile"] = caFile });

        await agent.RunAsync(timeout.Token);

        Assert.Equal("https", aggregator.Address.Scheme);
        using var store = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(aggregator.Directory, "aggregator.db")};Pooling=false");
        store.Open();
        using var command = store.CreateCommand();
        command.CommandText = "SELECT count(*) FROM reports WHERE agent_id = 'farm-test'";
        Assert.Equal(2L, command.ExecuteScalar());
    }

    [Fact]
    public async Task NodeAgent_BlocksItSees_ReachTheBlockConcentration()
    {
        await using var aggregator = await AggregatorHost.StartAsync(minAgents: 1);
        await using var node = await EdgeFed.Emulator.BitcoinRpcEmulator.StartAsync("rpc", "pw", startHeight: 900_000);
        var (viabtc, btctop) = (RealCoinbase("682736"), RealCoinbase("507516"));
        node.Mine(viabtc.ScriptSig, viabtc.Outputs);
        using var agent = BuildAgent(aggregator, Path.Combine(aggregator.Directory, "node-agent"), extra: new()
        {
            ["Agent:MaxReports"] = "0",
            ["Agent:Kind"] = "Node",
            ["Agent:Node:Url"] = node.Url.ToString(),
            ["Agent:Node:User"] = "rpc",
            ["Agent:Node:Password"] = "pw",
            ["Agent:Node:PollInterval"] = "00:00:00.200",
            ["Agent:CatalogPath"] = Path.Combine(SharedData, "pools", "pool-list.json"),
        });
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var running = agent.RunAsync(stop.Token);

        await BlocksReachAsync(aggregator, 1, stop.Token);
        node.Mine(btctop.ScriptSig, btctop.Outputs);
        node.Mine(btctop.ScriptSig, btctop.Outputs);
        var blocks = await BlocksReachAsync(aggregator, 3, stop.Token);
        stop.Cancel();
        await running;

        Assert.Equal([("btctop", 2.0), ("viabtc", 1.0)], blocks.Shares.Select(s => (s.Entity, s.Value)));
        Assert.Equal(1u, blocks.NakamotoCoefficient); // BTC.TOP alone has 2 of 3 blocks, more than half
    }

    private static string SharedData => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "shared", "data"));

    private static (byte[] ScriptSig, IReadOnlyList<EdgeFed.Agent.Attribution.Bitcoin.TxOutput> Outputs) RealCoinbase(string number)
    {
        var row = File.ReadLines(Path.Combine(SharedData, "blocks", "coinbase-sample.jsonl"))
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).Single(e => e.GetProperty("number").GetString() == number);
        return (Convert.FromHexString(row.GetProperty("identifiers").GetString()!),
            row.GetProperty("outputs").EnumerateArray().Select(o => new EdgeFed.Agent.Attribution.Bitcoin.TxOutput(
                o.GetProperty("value").GetUInt64(), Convert.FromHexString(o.GetProperty("script_hex").GetString()!))).ToList());
    }

    private static async Task<ConcentrationResponse> BlocksReachAsync(AggregatorHost aggregator, int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            var blocks = await aggregator.Client.GetConcentrationAsync(new ConcentrationRequest { Dimension = Dimension.Pool, Basis = Basis.Blocks },
                new Grpc.Core.CallOptions(cancellationToken: cancellationToken));
            if (blocks.Total >= count)
            {
                return blocks;
            }

            await Task.Delay(100, cancellationToken);
        }
    }
}
