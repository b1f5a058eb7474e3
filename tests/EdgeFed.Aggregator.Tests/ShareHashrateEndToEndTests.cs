using System.Net;
using EdgeFed.Agent.Attribution.Bitcoin;
using EdgeFed.Emulator;
using EdgeFed.Protocol.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace EdgeFed.Aggregator.Tests;

/// <summary>
/// Share-based hashrate through the whole path: emulated miners submit to the pool emulator through the agent's
/// stratum proxy (from their own addresses), the agent polls the same miners' APIs, and the aggregator shows both
/// figures per pool and flags the pool whose miner hashes half of what its API claims.
/// </summary>
public sealed class ShareHashrateEndToEndTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const double Difficulty = 1024;

    [Fact]
    public async Task AgentProxyAndAggregator_ShowShareBasedHashrate_AndFlagTheMinerThatOverstates()
    {
        var directory = Directory.CreateTempSubdirectory("edgefed-shares-").FullName;
        await using var aggregator = await AggregatorHost.StartAsync(minAgents: 1, Path.Combine(directory, "aggregator"));
        var template = PoolJobTemplate.FromCoinbase([0x03, 0x10, 0x27, 0x0a, .. "/EdgeFed/"u8.ToArray()],
            [new TxOutput(312_500_000, Convert.FromHexString("0014751e76e8199196d454941c45d1b3a323f1433bd6"))], new string('0', 64), []);
        await using var pool = new StratumPoolEmulator([template], TimeSpan.FromMilliseconds(20), Difficulty);
        // Two Foundry miners and one OCEAN miner, all healthy S21s, on their own addresses.
        var pools = new[] { "stratum+tcp://btc.foundryusapool.com:3333", "stratum+tcp://btc.foundryusapool.com:3333", "stratum+tcp://mine.ocean.xyz:3334" };
        var index = 0;
        var (farm, manifest) = await TestFarm.StartAsync(directory, miners: 3, seed: 31, "127.84.1.1", faulty: 0,
            adjust: p => p with { Family = EdgeFed.Agent.Collectors.MinerFamily.Antminer, Model = "Antminer S21", PoolUrl = pools[index++], Behaviours = [] });
        await using var _ = farm;
        var proxyPort = TestProcesses.FreePort();
        using var agent = TestFarm.Agent("farm-shares", aggregator.Address, Path.Combine(directory, "agent"), manifest, new()
        {
            ["Agent:Window"] = "00:00:02", ["Agent:Polling:Interval"] = "00:00:00.500", ["Agent:Outbox:DrainRatePerSecond"] = "50",
            ["Agent:Stratum:Proxies:0:Listen"] = "127.0.0.1", ["Agent:Stratum:Proxies:0:ListenPort"] = proxyPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Agent:Stratum:Proxies:0:Upstream"] = pool.Url.ToString(),
        });
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await agent.StartAsync(limit.Token);
        try
        {
            await ListeningAsync(proxyPort, limit.Token); // the watcher service opens its proxies once it runs
            // The honest miners hash what their API reports; the OCEAN one half of it.
            var api = farm.Miners.Select(m => m.TruthAt(DateTimeOffset.UtcNow).AverageThs).ToList();
            var stratum = farm.Miners.Select((m, i) => new StratumMinerEmulator(IPAddress.Parse(m.Endpoint.Host), i == 2 ? api[i] / 2 : api[i], $"w{i}", seed: 40 + i)).ToList();
            var started = DateTimeOffset.UtcNow;
            await Task.WhenAll(stratum.Select(m => m.RunAsync(new Uri($"stratum+tcp://127.0.0.1:{proxyPort}"), TimeSpan.FromSeconds(13), limit.Token)));
            var ended = DateTimeOffset.UtcNow;
            await Task.Delay(TimeSpan.FromSeconds(3), limit.Token); // the last windows close and are acknowledged

            // Whole 2 s windows inside the submissions only (a window the miners were in for part of would read low).
            var from = DateTimeOffset.FromUnixTimeSeconds((started.ToUnixTimeSeconds() + 3) / 2 * 2);
            var to = DateTimeOffset.FromUnixTimeSeconds((ended.ToUnixTimeSeconds() - 2) / 2 * 2);
            var result = await aggregator.Client.GetConcentrationAsync(new ConcentrationRequest
            {
                Dimension = Dimension.Pool, Basis = Basis.Hashrate, From = Timestamp.FromDateTimeOffset(from), To = Timestamp.FromDateTimeOffset(to),
            }, cancellationToken: limit.Token);

            var seen = string.Join(", ", result.Shares.Select(s => $"{s.Entity} {s.Value:0.0} share {s.ShareBasedThs:0.0}/{s.ShareApiThs:0.0} n={s.Shares}"));
            output.WriteLine($"windows {from:HH:mm:ss}-{to:HH:mm:ss} (run {started:HH:mm:ss.f}-{ended:HH:mm:ss.f}): {seen}");
            var foundry = result.Shares.FirstOrDefault(s => s.Entity == "foundryusa") ?? throw new Xunit.Sdk.XunitException($"{from:HH:mm:ss}-{to:HH:mm:ss}: {seen}");
            var ocean = result.Shares.FirstOrDefault(s => s.Entity != "foundryusa") ?? throw new Xunit.Sdk.XunitException($"no OCEAN entity: {seen}");
            Assert.True(foundry.Shares > 200, $"{from:HH:mm:ss}-{to:HH:mm:ss} (run {started:HH:mm:ss.f}-{ended:HH:mm:ss.f}): {seen}");
            Assert.Equal(foundry.Value, foundry.ShareApiThs, 6); // every Foundry miner is behind the proxy
            Assert.False(foundry.ShareDisagrees, $"foundry {foundry.ShareBasedThs:0.0} vs API {foundry.ShareApiThs:0.0} (±{foundry.ShareRelativeError:P1})");
            Assert.True(ocean.ShareDisagrees, $"ocean {ocean.ShareBasedThs:0.0} vs API {ocean.ShareApiThs:0.0} (±{ocean.ShareRelativeError:P1})");
            Assert.InRange(ocean.ShareBasedThs / ocean.ShareApiThs, 0.4, 0.6);
        }
        finally
        {
            await agent.StopAsync(CancellationToken.None);
        }
    }

    private static async Task ListeningAsync(int port, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                using var probe = new System.Net.Sockets.TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(50, cancellationToken);
            }
        }
    }
}
