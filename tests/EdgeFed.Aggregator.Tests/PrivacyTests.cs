using System.Text;
using EdgeFed.Agent.Collectors;
using EdgeFed.Agent.Tests.Collectors;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace EdgeFed.Aggregator.Tests;

/// <summary>
/// What leaves the device: every byte the agent sends while polling an emulated farm and real replies, captured on
/// the wire, holds none of the addresses, serials, worker and pool user names or MACs it read.
/// </summary>
public sealed class PrivacyTests
{
    [Fact]
    public async Task EverythingTheAgentSends_HoldsNoIdentifierItRead()
    {
        await using var aggregator = await AggregatorHost.StartAsync(minAgents: 1);
        await using var proxy = new FaultProxy(aggregator.Address);
        var directory = Directory.CreateTempSubdirectory("edgefed-privacy-").FullName;
        var (farm, manifest) = await TestFarm.StartAsync(directory, miners: 30, seed: 21, "127.98.1.1", faulty: 0.5);
        await using var _ = farm;
        await using var antminer = new ReplayMinerServer(Files("antminer/v2020", "stats", "summary", "pools", "version"));
        await using var whatsminer = new ReplayMinerServer(Files("whatsminer/v2", "summary", "devs", "pools", "status", "get_version", "get_error_code", "get_miner_info"));
        await using var avalon = new ReplayMinerServer(new Dictionary<string, string>
        {
            ["stats"] = "avalonminer/avalon_a_stats.json", ["summary"] = "avalonminer/summary.json", ["pools"] = "avalonminer/pools.json", ["version"] = "avalonminer/version.json",
        });
        var settings = new Dictionary<string, string?>
        {
            ["Agent:Window"] = "00:00:02", ["Agent:MaxReports"] = "3", ["Agent:Polling:Interval"] = "00:00:01",
            ["Agent:ReportCompression"] = "none", // read the content as it is; gzip changes its bytes, not what it says
        };
        foreach (var (server, family, i) in new[] { (antminer, MinerFamily.Antminer, 0), (whatsminer, MinerFamily.Whatsminer, 1), (avalon, MinerFamily.Avalon, 2) })
        {
            settings[$"Agent:Polling:Miners:{i}:Host"] = "127.0.0.1";
            settings[$"Agent:Polling:Miners:{i}:Port"] = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            settings[$"Agent:Polling:Miners:{i}:Family"] = family.ToString();
        }

        using var agent = TestFarm.Agent("privacy-agent", proxy.Address, Path.Combine(directory, "state"), manifest, settings);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));

        await agent.RunAsync(timeout.Token);

        var sent = Encoding.UTF8.GetString(proxy.Sent);
        Assert.Contains("Antminer S19 Pro", sent, StringComparison.Ordinal); // the capture sees report contents
        Assert.Contains("MicroBT", sent, StringComparison.Ordinal);
        var forbidden = new List<string>
        {
            "127.98.", ".worker", "EMU", // the emulated farm: addresses, pool users, serials
            "satokierepair", "8144d5ca79104814", "asic-rs.test", "worker1", "192.168.1.100", "49.0.1.3", // the real replies
            "AA:BB:CC:DD:EE:FF", "D4:01:02:03:04:05", "01234567890123456789012345678901", "02010000cbd2fd6d",
        };
        forbidden.AddRange(farm.Miners.Select(m => m.Miner.SerialNumber));
        forbidden.AddRange(farm.Miners.Select(m => m.Miner.PoolUser));
        Assert.All(forbidden, value => Assert.DoesNotContain(value, sent, StringComparison.OrdinalIgnoreCase));
        Directory.Delete(directory, recursive: true);
    }

    private static Dictionary<string, string> Files(string folder, params string[] commands) =>
        commands.ToDictionary(c => c, c => $"{folder}/{c}.json");
}
