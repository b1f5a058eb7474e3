using EdgeFed.Agent.Attribution;
using EdgeFed.Emulator;
using EdgeFed.Protocol.Domain;
using Microsoft.Data.Sqlite;
using Xunit;
using Xunit.Abstractions;

namespace EdgeFed.Aggregator.Tests;

/// <summary>
/// The main-job scenario (aggregator, two emulated farms, a node mining real block labels, three agents) with several
/// rounds of SIGKILL at random moments, each process at least once. After recovery every acknowledged window is in the
/// aggregator exactly once and equals the emulators' ground truth: each farm window counts every miner once, by its
/// true pool and its true model; each block sighting names the pool of the real label it was mined from, and the
/// node agent's sightings have no gap (after a restart it catches up from its newest queued block).
/// </summary>
public sealed class KillRoundsTests(ITestOutputHelper output)
{
    private const int MinersPerFarm = 40;
    private const int Blocks = 240;

    /// <summary>The pools the emulated miners are pointed at, as the community catalogue names them.</summary>
    private static readonly Dictionary<string, string> PoolOfUrl = new()
    {
        ["stratum+tcp://btc.foundryusapool.com:3333"] = "foundryusa", ["stratum+tcp://stratum.antpool.com:3333"] = "antpool",
        ["stratum+tcp://btc.viabtc.io:3333"] = "viabtc", ["stratum+tcp://btc.f2pool.com:1314"] = "f2pool",
        ["stratum+tcp://stratum.braiins.com:3333"] = "braiinspool", ["stratum+tcp://btc.global.luxor.tech:700"] = "luxor",
        ["stratum+tcp://mine.ocean.xyz:3334"] = "oceanxyz", ["stratum+tcp://sha256.poolbinance.com:443"] = "binancepool",
    };

    private static string SharedData => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "shared", "data"));

    [Fact]
    public async Task SigkillRounds_OfEveryProcess_EveryAcknowledgedWindowEqualsGroundTruth()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("EDGEFED_KILL_SEED"), out var fixedSeed) ? fixedSeed : Environment.TickCount;
        var random = new Random(seed);
        output.WriteLine($"kill schedule seed {seed}");
        var directory = Directory.CreateTempSubdirectory("edgefed-kill-rounds-").FullName;
        var port = TestProcesses.FreePort();
        var url = $"http://127.0.0.1:{port}";
        var catalog = Path.Combine(SharedData, "pools", "pool-list.json");
        var blocks = Path.Combine(SharedData, "blocks", "blocks-2021-2026.csv.gz");

        var aggregator = StartAggregator(directory, port);
        (await AggregatorProcess.ConnectAsync(port)).Dispose();
        var (farmA, manifestA) = await TestFarm.StartAsync(directory, MinersPerFarm, seed: 21, "127.98.1.1", adjust: KeepAnswering);
        await using var _ = farmA;
        var (farmB, manifestB) = await TestFarm.StartAsync(directory, MinersPerFarm, seed: 22, "127.98.2.1", adjust: KeepAnswering);
        await using var __ = farmB;
        var nodeManifest = Path.Combine(directory, "node.json");
        using var node = AgentProcess.StartSimulator("simulate-node",
            ["--blocks", blocks, "--last", $"{Blocks}", "--interval-ms", "300", "--catalog", catalog, "--manifest", nodeManifest, "--duration-seconds", "300"]);
        await node.WaitForAsync(log => log.Contains("\"url\"", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        var nodeUrl = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(nodeManifest)).RootElement.GetProperty("url").GetString();

        string[] Common(string id) =>
        [
            $"--Agent:AgentId={id}", $"--Agent:AggregatorUrl={url}", $"--Agent:EnrolmentToken={AggregatorHost.Token}", $"--Agent:CatalogPath={catalog}",
            $"--Agent:StateDirectory={Path.Combine(directory, id)}", "--Agent:Window=00:00:01", "--Agent:Outbox:DrainRatePerSecond=50",
        ];
        var agents = new Dictionary<string, Func<AgentProcess>>
        {
            ["farm-a"] = () => AgentProcess.Start([.. Common("farm-a"), "--Agent:Region=CA", $"--Agent:Polling:ManifestFile={manifestA}",
                "--Agent:Polling:Interval=00:00:00.400"]),
            ["farm-b"] = () => AgentProcess.Start([.. Common("farm-b"), "--Agent:Region=NO", $"--Agent:Polling:ManifestFile={manifestB}",
                "--Agent:Polling:Interval=00:00:00.400"]),
            ["node-us"] = () => AgentProcess.Start([.. Common("node-us"), "--Agent:Region=US", "--Agent:Kind=Node", $"--Agent:Node:Url={nodeUrl}",
                "--Agent:Node:User=edgefed", "--Agent:Node:Password=edgefed-node", "--Agent:Node:PollInterval=00:00:00.100"]),
        };
        var running = agents.ToDictionary(a => a.Key, a => a.Value());
        var logs = agents.Keys.ToDictionary(k => k, _ => new List<string>());
        try
        {
            // Every process once, in a random order, then two more picked at random; each at a random moment.
            var targets = agents.Keys.Append("aggregator").OrderBy(_ => random.Next()).Concat([PickAny(random, agents.Keys), "aggregator"]).ToList();
            output.WriteLine($"kill order: {string.Join(", ", targets)}");
            foreach (var target in targets)
            {
                await Task.Delay(random.Next(1500, 4000));
                if (target == "aggregator")
                {
                    aggregator.Kill();
                    await Task.Delay(random.Next(200, 1500));
                    aggregator = StartAggregator(directory, port);
                }
                else
                {
                    running[target].Kill();
                    logs[target].Add(running[target].Output);
                    running[target].Dispose();
                    await Task.Delay(random.Next(200, 1500));
                    running[target] = agents[target]();
                }
            }

            // Recovery: every agent's last incarnation gets a few windows through, and everything any incarnation
            // queued reaches the aggregator (bounded).
            foreach (var (id, process) in running)
            {
                await process.WaitForAsync(log => AgentLog.Acks(log).Count() >= 3, TimeSpan.FromSeconds(60));
            }

            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (agents.Keys.FirstOrDefault(id => Missing(directory, id, logs[id], running[id]).Count > 0) is { } behind)
            {
                Assert.True(DateTime.UtcNow < deadline, $"{behind} never delivered reports {string.Join(",", Missing(directory, behind, logs[behind], running[behind]))} " +
                    $"(seed {seed}); its log ends:\n{string.Join('\n', running[behind].Output.Split('\n').TakeLast(25))}");
                await Task.Delay(200);
            }
        }
        finally
        {
            foreach (var (id, process) in running)
            {
                process.Kill();
                logs[id].Add(process.Output);
                process.Dispose();
            }

            aggregator.Dispose();
        }

        foreach (var (id, farm) in new[] { ("farm-a", farmA), ("farm-b", farmB) })
        {
            var truth = Truth(farm);
            var windows = FarmWindows(directory, id);
            AssertAcknowledgedStoredOnce(directory, id, logs[id]);
            var empty = TestProcesses.StoredSequences(DatabasePath(directory), id).Count - windows.Count;
            output.WriteLine($"{id}: {windows.Count} windows with cells, {empty} without (no poll cycle finished inside them)");
            Assert.True(windows.Count >= 5, $"{id}: only {windows.Count} windows stored");
            foreach (var (sequence, counts) in windows)
            {
                Assert.True(counts.Count == truth.Count && counts.All(c => truth.GetValueOrDefault(c.Key) == c.Value),
                    $"{id} window {sequence}: stored {Describe(counts)}; ground truth {Describe(truth)} (seed {seed})");
            }
        }

        var pools = PoolCatalog.Load(catalog);
        var labels = BlockLabels.Read(blocks).TakeLast(Blocks).ToDictionary(b => (long)b.Height, b => ExpectedPool(pools, b.Pool));
        var sightings = BlockSightings(directory, "node-us");
        AssertAcknowledgedStoredOnce(directory, "node-us", logs["node-us"]);
        Assert.True(sightings.Count >= 20, $"only {sightings.Count} blocks sighted");
        Assert.Equal(sightings.Count, sightings.Select(s => s.Height).Distinct().Count());
        Assert.All(sightings, s => Assert.Equal(labels[s.Height], s.Pool));
        var (lowest, highest) = (sightings.Min(s => s.Height), sightings.Max(s => s.Height));
        Assert.True(highest - lowest + 1 == sightings.Count, // a restarted node agent resumes after its newest queued block
            $"gaps in the blocks sighted between {lowest} and {highest}: {string.Join(",", Enumerable.Range((int)lowest, (int)(highest - lowest + 1)).Except(sightings.Select(s => (int)s.Height)))} (seed {seed})");
        output.WriteLine("acks per incarnation: " + string.Join("; ", logs.Select(l => $"{l.Key} {string.Join("/", l.Value.Select(x => AgentLog.Acks(x).Count()))}")));
        output.WriteLine($"farm windows: {FarmWindows(directory, "farm-a").Count} + {FarmWindows(directory, "farm-b").Count}; blocks sighted: {sightings.Count}");
        Directory.Delete(directory, recursive: true);
    }

    /// <summary>Faults that leave a miner answering, so its pool and model are known in every window (non-answering miners have their own tests).</summary>
    private static MinerPlan KeepAnswering(MinerPlan plan) => plan with
    {
        Behaviours = plan.Behaviours.Where(b => b.Kind is not (BehaviourKind.Offline or BehaviourKind.FlappingNetwork or BehaviourKind.MalformedReplies)).ToList(),
    };

    private static Dictionary<string, long> Truth(FarmEmulator farm) =>
        farm.Miners.SelectMany(m => new[] { $"pool:{PoolOfUrl[m.Miner.PoolUrl]}", $"model:{m.Miner.Model.Vendor}/{m.Miner.Model.Name}", "miners" })
            .GroupBy(k => k).ToDictionary(g => g.Key, g => (long)g.Count());

    /// <summary>A label's pool as the node agent must attribute it: the coinbase carries the pool's first catalogue tag, if it has one.</summary>
    private static string ExpectedPool(PoolCatalog catalog, string label) =>
        catalog.Pools.FirstOrDefault(p => p.Slug == label) is { Tags.Count: > 0 } ? label : PoolAttribution.Unknown.Slug;

    private static void AssertAcknowledgedStoredOnce(string directory, string agent, List<string> logs)
    {
        var stored = TestProcesses.StoredSequences(DatabasePath(directory), agent);
        Assert.Equal(stored.Count, stored.Distinct().Count());
        var acked = logs.SelectMany(AgentLog.Acks).Select(a => a.Sequence).ToHashSet();
        Assert.True(acked.Count > 0, $"{agent}: nothing acknowledged");
        Assert.True(acked.IsSubsetOf(stored), $"{agent}: acknowledged but not stored: {string.Join(",", acked.Except(stored))}");
    }

    /// <summary>Reports any incarnation of the agent queued that the aggregator does not hold.</summary>
    private static List<long> Missing(string directory, string agent, List<string> logs, AgentProcess current) =>
        logs.Append(current.Output).SelectMany(AgentLog.QueuedReports).Except(TestProcesses.StoredSequences(DatabasePath(directory), agent)).Order().ToList();

    private static AggregatorProcess StartAggregator(string directory, int port) =>
        AggregatorProcess.Start(directory, port, "--Aggregator:MinAgentsPerCell=1");

    private static string DatabasePath(string directory) => Path.Combine(directory, "aggregator.db");

    private static string PickAny(Random random, IEnumerable<string> items) => items.ElementAt(random.Next(items.Count()));

    private static string Describe(Dictionary<string, long> counts) =>
        string.Join(", ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={c.Value}"));

    /// <summary>Per stored report of a farm agent: miners in all, by pool, and by vendor/model.</summary>
    private static List<(long Sequence, Dictionary<string, long> Counts)> FarmWindows(string directory, string agent)
    {
        using var db = Open(directory);
        using var command = db.CreateCommand();
        command.CommandText = """
            SELECT r.sequence, 'pool:' || c.pool, c.miners FROM reports r JOIN cells c USING (agent_id, sequence) WHERE r.agent_id = $agent
            UNION ALL SELECT r.sequence, 'model:' || c.vendor || '/' || c.model, c.miners FROM reports r JOIN cells c USING (agent_id, sequence) WHERE r.agent_id = $agent
            UNION ALL SELECT r.sequence, 'miners', c.miners FROM reports r JOIN cells c USING (agent_id, sequence) WHERE r.agent_id = $agent
            """;
        command.Parameters.AddWithValue("$agent", agent);
        using var reader = command.ExecuteReader();
        var rows = new List<(long Sequence, string Key, long Miners)>();
        while (reader.Read())
        {
            rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2)));
        }

        return rows.GroupBy(r => r.Sequence).OrderBy(g => g.Key)
            .Select(g => (g.Key, g.GroupBy(r => r.Key).ToDictionary(k => k.Key, k => k.Sum(r => r.Miners)))).ToList();
    }

    private static List<(long Height, string Pool)> BlockSightings(string directory, string agent)
    {
        using var db = Open(directory);
        using var command = db.CreateCommand();
        command.CommandText = "SELECT height, pool FROM block_sightings WHERE agent_id = $agent";
        command.Parameters.AddWithValue("$agent", agent);
        using var reader = command.ExecuteReader();
        var rows = new List<(long, string)>();
        while (reader.Read())
        {
            rows.Add((reader.GetInt64(0), reader.GetString(1)));
        }

        return rows;
    }

    private static SqliteConnection Open(string directory)
    {
        var db = new SqliteConnection($"Data Source={DatabasePath(directory)};Mode=ReadOnly;Pooling=false");
        db.Open();
        return db;
    }
}
