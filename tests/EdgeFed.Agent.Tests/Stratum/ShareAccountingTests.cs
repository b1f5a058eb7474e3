using System.Net;
using System.Net.Sockets;
using System.Text;
using EdgeFed.Agent.Aggregation;
using EdgeFed.Agent.Attribution;
using EdgeFed.Agent.Attribution.Bitcoin;
using EdgeFed.Agent.Collectors.Stratum;
using EdgeFed.Agent.Tests.Attribution;
using EdgeFed.Emulator;
using EdgeFed.Protocol.V1;
using Xunit;

namespace EdgeFed.Agent.Tests.Stratum;

/// <summary>
/// Hashrate measured from shares (PROTOCOLS.md: Σ D x 2^32 / T, relative error about 1/√n): emulated miners of
/// known hashrate submit through the agent's pass-through proxy to the pool emulator, which accepts or rejects them.
/// </summary>
public sealed class ShareAccountingTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const double Difficulty = 1024; // a low difficulty, so ten seconds hold a few hundred shares

    private static PoolJobTemplate Template()
    {
        var row = RealCoinbases.ByNumber("682736");
        return PoolJobTemplate.FromCoinbase(Convert.FromHexString(row.ScriptSigHex), row.Outputs.Select(o => new TxOutput(o.Value, Convert.FromHexString(o.ScriptHex))).ToList(),
            "4d16b6f85af6e2198f44ae2a6de67f78487ae5611b77c6c0440b921e00000000", ["2a0d6f2c1e5b6b3a0f9a1c0b7d3e5f4a6b8c9d0e1f2a3b4c5d6e7f8091a2b3c4"]);
    }

    private static StratumProxy ProxyWithLedger(StratumPoolEmulator pool, ShareLedger ledger) =>
        new(new IPEndPoint(IPAddress.Loopback, 0), pool.Url, new PoolAttributor(PoolCatalog.Load(RealCoinbases.CatalogPath)), TimeProvider.System,
            _ => ValueTask.CompletedTask, ledger);

    [Fact]
    public async Task ShareBasedHashrate_MatchesTheEmulatedMinersRates_WithinItsStatedError()
    {
        await using var pool = new StratumPoolEmulator([Template()], TimeSpan.FromMilliseconds(20), Difficulty);
        var ledger = new ShareLedger(TimeProvider.System);
        await using var proxy = ProxyWithLedger(pool, ledger);
        var miners = new (string Address, double Ths)[] { ("127.82.0.1", 40.0), ("127.82.0.2", 120.0), ("127.82.0.3", 250.0) }
            .Select((m, i) => (m.Address, m.Ths, Miner: new StratumMinerEmulator(IPAddress.Parse(m.Address), m.Ths, $"farm.worker{i}", seed: 14 + i))).ToList();
        var viaProxy = new Uri($"stratum+tcp://127.0.0.1:{proxy.Endpoint.Port}");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));

        var start = DateTimeOffset.UtcNow;
        await Task.WhenAll(miners.Select(m => m.Miner.RunAsync(viaProxy, TimeSpan.FromSeconds(13), timeout.Token)));

        // A ten-second window inside the run, on whole seconds (the ledger's buckets).
        var from = DateTimeOffset.FromUnixTimeSeconds(start.ToUnixTimeSeconds() + 2);
        var window = TimeSpan.FromSeconds(10);
        foreach (var (address, ths, miner) in miners)
        {
            var tally = ledger.Take(address, from, from + window) ?? throw new Xunit.Sdk.XunitException($"{address}: no shares in the ledger");
            var measured = tally.HashrateThs(window);
            var expectedShares = ths * 1e12 * window.TotalSeconds / (Difficulty * 4294967296.0);
            output.WriteLine($"{address}: {measured:0.00} TH/s from {tally.Count} shares (expected {expectedShares:0}) against {ths} TH/s, error ±{tally.RelativeError:P1}");
            Assert.InRange(tally.Count, expectedShares * 0.6, expectedShares * 1.4);
            Assert.True(Math.Abs(measured - ths) <= 3.5 * ths * tally.RelativeError,
                $"{address}: {measured:0.0} TH/s from {tally.Count} shares against {ths} TH/s (±{tally.RelativeError:P1})");
        }

        // Everything the pool accepted, and only that, is in the ledger.
        var all = miners.Sum(m => ledger.Take(m.Address, start.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1))!.Value.Count);
        Assert.Equal(pool.AcceptedShares, all);
        Assert.Equal(miners.Sum(m => m.Miner.Submitted), pool.AcceptedShares);
    }

    [Fact]
    public async Task RejectedShares_AreNotCounted()
    {
        await using var pool = new StratumPoolEmulator([Template()], TimeSpan.FromMilliseconds(20), Difficulty);
        var ledger = new ShareLedger(TimeProvider.System);
        await using var proxy = ProxyWithLedger(pool, ledger);
        using var client = new TcpClient(new IPEndPoint(IPAddress.Parse("127.82.0.9"), 0));
        await client.ConnectAsync(IPAddress.Loopback, proxy.Endpoint.Port);
        var stream = client.GetStream();
        var reader = new LineReader(stream);
        async Task<string> Call(string line)
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"));
            string? reply;
            do
            {
                reply = await reader.ReadLineAsync(CancellationToken.None);
            }
            while (reply is not null && !reply.Contains("\"result\"", StringComparison.Ordinal));

            return reply ?? string.Empty;
        }

        await Call("""{"id":1,"method":"mining.subscribe","params":["t"]}""");
        await Call("""{"id":2,"method":"mining.authorize","params":["w","x"]}""");
        Assert.Contains("false", await Call("""{"id":3,"method":"mining.submit","params":["w","ffff","00000000","65a1b2c3","00000001"]}"""), StringComparison.Ordinal);
        Assert.Contains("true", await Call("""{"id":4,"method":"mining.submit","params":["w","0000","00000000","65a1b2c3","00000002"]}"""), StringComparison.Ordinal);

        // The proxy forwards the pool's answer before it books it: wait (bounded) for the booking.
        ShareTally? tally = null;
        for (var i = 0; i < 100 && tally is null; i++)
        {
            tally = ledger.Take("127.82.0.9", DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
            await Task.Delay(tally is null ? 20 : 100); // and a little longer, for a rejected share to be (wrongly) booked
            tally = ledger.Take("127.82.0.9", DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        }

        Assert.Equal(new ShareTally(Difficulty, 1), tally);
        Assert.Equal((1L, 1L), (pool.AcceptedShares, pool.RejectedShares));
    }

    [Fact]
    public void Cells_CarryTheShareBasedHashrate_NextToTheApiFigureOfTheSameMiners()
    {
        var key = new CellKey { Pool = "foundryusa", TemplateProvider = "foundryusa", Vendor = "Bitmain", Model = "Antminer S21", Health = HealthClass.Healthy };
        var accumulator = new CellAccumulator();
        accumulator.AddCycle([
            new MinerObservation("127.82.1.1:4028", key, 200, 3500, null, null, 0.9f, "model", "reported"),
            new MinerObservation("127.82.1.2:4028", key, 190, 3400, null, null, 0.9f, "model", "reported"), // not behind the proxy
        ]);
        var tally = new ShareTally(SumDifficulty: 1024 * 2700, Count: 2700); // 2700 shares of D=1024 in 60 s ≈ 198 TH/s

        var cell = Assert.Single(accumulator.Drain(minerKey => minerKey == "127.82.1.1:4028" ? tally : null, TimeSpan.FromSeconds(60)));

        Assert.Equal(390, cell.HashrateThs);
        Assert.Equal(1u, cell.ShareMiners);
        Assert.Equal(2700ul, cell.ShareCount);
        Assert.Equal(200, cell.ShareApiHashrateThs);
        Assert.Equal(1024 * 2700 * 4294967296.0 / 60 / 1e12, cell.ShareHashrateThs, 9);
    }
}
