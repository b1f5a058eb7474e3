using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using EdgeFed.Agent.Attribution;
using EdgeFed.Agent.Attribution.Bitcoin;
using EdgeFed.Agent.Collectors.Node;
using EdgeFed.Agent.Collectors.Stratum;
using EdgeFed.Emulator;
using Xunit;

namespace EdgeFed.Agent.Tests.Attribution;

/// <summary>The stratum watcher, the pass-through proxy and the node watcher against their emulators on loopback, fed real coinbases.</summary>
public sealed class WatcherIntegrationTests
{
    private static readonly PoolAttributor Community = new(PoolCatalog.Load(RealCoinbases.CatalogPath));
    private static readonly string[] Branches = ["2a0d6f2c1e5b6b3a0f9a1c0b7d3e5f4a6b8c9d0e1f2a3b4c5d6e7f8091a2b3c4"];

    private static (byte[] ScriptSig, IReadOnlyList<TxOutput> Outputs) Coinbase(string number)
    {
        var row = RealCoinbases.ByNumber(number);
        return (Convert.FromHexString(row.ScriptSigHex), row.Outputs.Select(o => new TxOutput(o.Value, Convert.FromHexString(o.ScriptHex))).ToList());
    }

    private static PoolJobTemplate Template(string number)
    {
        var (scriptSig, outputs) = Coinbase(number);
        return PoolJobTemplate.FromCoinbase(scriptSig, outputs, "4d16b6f85af6e2198f44ae2a6de67f78487ae5611b77c6c0440b921e00000000", Branches);
    }

    [Fact]
    public async Task StratumWatcher_DecodesAndAttributesEveryJob()
    {
        await using var pool = new StratumPoolEmulator([Template("682736"), Template("507516"), Template("649061")], TimeSpan.FromMilliseconds(50));
        var watcher = new StratumWatcher(Community, TimeProvider.System);
        var jobs = new List<ObservedJob>();
        using var done = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        try
        {
            await watcher.RunSessionAsync(pool.Url, "edgefed.watch", "x", job =>
            {
                jobs.Add(job);
                if (jobs.Count == 3)
                {
                    done.Cancel();
                }

                return ValueTask.CompletedTask;
            }, done.Token);
        }
        catch (OperationCanceledException) when (jobs.Count == 3)
        {
        }

        Assert.Equal([("ViaBTC", "tag"), ("BTC.TOP", "tag"), ("AntPool", "address")], jobs.Select(j => (j.Pool.Name, j.Pool.Method)));
        Assert.All(jobs, j => Assert.Equal(8, j.Job.ExtranonceBytes)); // 4-byte extranonce1 + extranonce2_size 4, from subscribe
        Assert.Equal([682736L, 507516L, 649061L], jobs.Select(j => j.Job.Coinbase.Height!.Value));
        Assert.Single(jobs.Select(j => j.Job.TemplateFingerprint).Distinct());
        Assert.Equal(["edgefed.watch"], pool.AuthorizedUsers);
        Assert.Equal(0, watcher.MalformedLines);
    }

    [Fact]
    public async Task StratumProxy_ForwardsUnchanged_AndObservesJobs_WithoutKeepingTheLogin()
    {
        await using var pool = new StratumPoolEmulator([Template("507516"), Template("682736")], TimeSpan.FromMilliseconds(50));
        var observed = new List<ObservedJob>();
        await using var proxy = new StratumProxy(new IPEndPoint(IPAddress.Loopback, 0), pool.Url, Community, TimeProvider.System, job =>
        {
            lock (observed)
            {
                observed.Add(job);
            }

            return ValueTask.CompletedTask;
        });

        using var miner = new TcpClient();
        await miner.ConnectAsync(IPAddress.Loopback, proxy.Endpoint.Port);
        var stream = miner.GetStream();
        await stream.WriteAsync(Encoding.UTF8.GetBytes(StratumMessages.Subscribe(7, "bmminer/2.0") + StratumMessages.Authorize(8, "farmx.worker001", "x")));
        var reader = new LineReader(stream);
        var lines = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (lines.Count(l => l.Contains("mining.notify", StringComparison.Ordinal)) < 2 && await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            lines.Add(line);
        }

        for (var waited = 0; observed.Count < 2 && waited < 100; waited++)
        {
            await Task.Delay(50);
        }

        var subscribeReply = JsonDocument.Parse(lines.First(l => l.Contains("\"id\":7", StringComparison.Ordinal))).RootElement;
        Assert.Equal(JsonValueKind.Array, subscribeReply.GetProperty("result").ValueKind);
        Assert.Equal(["farmx.worker001"], pool.AuthorizedUsers); // the login reached the pool untouched
        Assert.Equal(["BTC.TOP", "ViaBTC"], observed.Select(o => o.Pool.Name));
        Assert.All(observed, o => Assert.Equal(8, o.Job.ExtranonceBytes));
        Assert.DoesNotContain("farmx", JsonSerializer.Serialize(observed), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NodeWatcher_FollowsBlocks_CountsRuns_AndReportsAReorg()
    {
        await using var node = await BitcoinRpcEmulator.StartAsync("edgefed", "s3cret", startHeight: 900_000);
        var viabtc = Coinbase("682736");
        var btctop = Coinbase("507516");
        var antpool = Coinbase("649061");
        node.Mine(viabtc.ScriptSig, viabtc.Outputs);
        using var rpc = BitcoinRpcClient.WithPassword(node.Url, "edgefed", "s3cret");
        var watcher = new NodeWatcher(rpc, Community);

        var first = await watcher.PollAsync(CancellationToken.None);
        node.Mine(btctop.ScriptSig, btctop.Outputs);
        node.Mine(btctop.ScriptSig, btctop.Outputs);
        var second = await watcher.PollAsync(CancellationToken.None);
        var quiet = await watcher.PollAsync(CancellationToken.None);
        node.Rewind(1);
        var replacement = node.Mine(antpool.ScriptSig, antpool.Outputs);
        var third = await watcher.PollAsync(CancellationToken.None);

        Assert.Equal(("ViaBTC", 1), first.OfType<BlockObserved>().Select(b => (b.Pool.Name, b.RunLength)).Single());
        Assert.Equal([(900_001L, "BTC.TOP", 1), (900_002L, "BTC.TOP", 2)], second.OfType<BlockObserved>().Select(b => (b.Height, b.Pool.Name, b.RunLength)));
        Assert.Empty(quiet);
        var reorg = Assert.IsType<ReorgObserved>(third[0]);
        Assert.Equal((1, 900_001L), (reorg.Depth, reorg.ForkHeight));
        var replaced = Assert.IsType<BlockObserved>(third[1]);
        Assert.Equal((900_002L, replacement, "AntPool", "address", 1), (replaced.Height, replaced.Hash, replaced.Pool.Name, replaced.Pool.Method, replaced.RunLength));
    }

    [Fact]
    public async Task NodeWatcher_ResumedAfterARestart_CatchesUpOnWhatWasMinedMeanwhile_AndReportsAGapBeyondReach()
    {
        await using var node = await BitcoinRpcEmulator.StartAsync("edgefed", "s3cret", startHeight: 900_000);
        var viabtc = Coinbase("682736");
        var lastReported = node.Mine(viabtc.ScriptSig, viabtc.Outputs);
        for (var i = 0; i < 3; i++)
        {
            node.Mine(viabtc.ScriptSig, viabtc.Outputs); // mined while the agent was down
        }

        using var rpc = BitcoinRpcClient.WithPassword(node.Url, "edgefed", "s3cret");
        var resumed = new NodeWatcher(rpc, Community);
        resumed.Resume(lastReported, 900_000);
        var caughtUp = (await resumed.PollAsync(CancellationToken.None)).OfType<BlockObserved>().Select(b => b.Height);

        var fresh = (await new NodeWatcher(rpc, Community).PollAsync(CancellationToken.None)).OfType<BlockObserved>().Select(b => b.Height);
        for (var i = 0; i < NodeWatcher.MaxResumeCatchUp + 2; i++)
        {
            node.Mine(viabtc.ScriptSig, viabtc.Outputs);
        }

        var tooFar = new NodeWatcher(rpc, Community);
        tooFar.Resume(lastReported, 900_000);
        var afterGap = await tooFar.PollAsync(CancellationToken.None);

        Assert.Equal([900_001L, 900_002L, 900_003L], caughtUp);
        Assert.Equal([900_003L], fresh); // without resuming only the tip is seen
        Assert.Equal(NodeWatcher.MaxResumeCatchUp, afterGap.OfType<BlockObserved>().Count());
        Assert.DoesNotContain(afterGap, e => e is ReorgObserved); // out of reach is a gap, not a reorganisation
    }

    [Fact]
    public async Task NodeWatcher_UsesTheCookie_AndWrongCredentialsAreAClearError()
    {
        await using var node = await BitcoinRpcEmulator.StartAsync("__cookie__", "c00k1e", startHeight: 1);
        var (scriptSig, outputs) = Coinbase("507715");
        node.Mine(scriptSig, outputs);
        var cookie = Path.GetTempFileName();
        await File.WriteAllTextAsync(cookie, BitcoinRpcEmulator.CookieLine("c00k1e") + "\n");
        using var withCookie = BitcoinRpcClient.WithCookie(node.Url, cookie);
        using var wrong = BitcoinRpcClient.WithPassword(node.Url, "__cookie__", "guess");

        var events = await new NodeWatcher(withCookie, Community).PollAsync(CancellationToken.None);
        var error = await Assert.ThrowsAsync<BitcoinRpcException>(() => new NodeWatcher(wrong, Community).PollAsync(CancellationToken.None));

        Assert.Equal("GBMiners", Assert.IsType<BlockObserved>(Assert.Single(events)).Pool.Name);
        Assert.Contains("refused the RPC credentials", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("stratum+tcp://btc.global.luxor.tech:700", "Luxor")]
    [InlineData("stratum+tcp://btc.foundryusapool.com:3333", "Foundry USA")]
    [InlineData("stratum+tcp://stratum.antpool.com:3333", "AntPool")]
    [InlineData("btc.f2pool.com:1314", "F2Pool")]
    [InlineData("stratum+tcp://pool.example.com:4444", "Unknown")]
    [InlineData(null, "Unknown")]
    public void PoolUrl_ResolvesToThePool(string? url, string pool)
    {
        var resolved = new PoolUrlResolver(PoolCatalog.Load(RealCoinbases.CatalogPath)).Resolve(url);

        Assert.Equal(pool, resolved.Name);
        Assert.Equal(pool == "Unknown" ? "unknown" : "url", resolved.Method);
    }

    [Fact]
    public void EveryEmulatedPoolUrl_Resolves() =>
        Assert.All(FarmPlanner.DefaultPools, p => Assert.True(new PoolUrlResolver(PoolCatalog.Load(RealCoinbases.CatalogPath)).Resolve(p.Url).IsKnown, p.Url));

    [Fact]
    public async Task StratumService_RunsConfiguredWatchersAndProxies_IntoTheObservationBuffer()
    {
        await using var pool = new StratumPoolEmulator([Template("682736"), Template("507516")], TimeSpan.FromMilliseconds(50));
        var proxyPort = FreePort();
        var buffer = new EdgeFed.Agent.Aggregation.ObservationBuffer();
        var jobs = new Dictionary<string, uint>();
        var options = Microsoft.Extensions.Options.Options.Create(new StratumWatchOptions
        {
            Pools = [new StratumTarget { Url = pool.Url.ToString() }],
            Proxies = [new StratumProxyTarget { Listen = "127.0.0.1", ListenPort = proxyPort, Upstream = pool.Url.ToString() }],
        });
        var service = new StratumWatcherService(options, Community, buffer, new ShareLedger(TimeProvider.System), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<StratumWatcherService>.Instance);
        await service.StartAsync(CancellationToken.None);
        try
        {
            for (var waited = 0; pool.AuthorizedUsers.Count == 0 && waited < 100; waited++)
            {
                await Task.Delay(50); // the watcher's own session
            }

            using var miner = new TcpClient();
            await miner.ConnectAsync(IPAddress.Loopback, proxyPort);
            await miner.GetStream().WriteAsync(Encoding.UTF8.GetBytes(StratumMessages.Subscribe(1, "cgminer") + StratumMessages.Authorize(2, "farm.rig7", "x")));
            for (var waited = 0; pool.AuthorizedUsers.Count < 2 && waited < 100; waited++)
            {
                await Task.Delay(50);
            }

            // Both sessions get both jobs; gather what the buffer holds until they have (bounded).
            for (var waited = 0; (jobs.GetValueOrDefault("viabtc") < 2 || jobs.GetValueOrDefault("btctop") < 2) && waited < 200; waited++)
            {
                foreach (var template in buffer.Drain().Templates)
                {
                    jobs[template.Pool] = jobs.GetValueOrDefault(template.Pool) + template.Jobs;
                }

                await Task.Delay(50);
            }
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }

        Assert.Equal(["edgefed.watch", "farm.rig7"], pool.AuthorizedUsers.Order(StringComparer.Ordinal));
        Assert.Equal(["btctop", "viabtc"], jobs.Keys.Order(StringComparer.Ordinal));
        Assert.All(jobs.Values, count => Assert.Equal(2u, count)); // one job per pool from the watcher, one through the proxy
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
