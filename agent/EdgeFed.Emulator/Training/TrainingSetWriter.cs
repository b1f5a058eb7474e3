using System.Globalization;
using System.Text.Json;
using EdgeFed.Agent.Attribution;
using EdgeFed.Agent.Attribution.Bitcoin;
using EdgeFed.Agent.Collectors;
using EdgeFed.Agent.Features;
using EdgeFed.Emulator;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeFed.Emulator.Training;

/// <summary>
/// Writes the training and evaluation sets of the three models as CSV: feature columns (the featurisers' names),
/// then <c>meta_*</c> columns, <c>group</c> (rows of one group never straddle the train/test split) and <c>label</c>.
/// Emulated sets come from a farm polled over its real sockets on a <see cref="ManualClock"/> (so the same seed gives
/// the same rows); real sets from <c>data/miner-api</c> and <c>data/blocks/coinbase-sample.jsonl</c>.
/// </summary>
public static class TrainingSetWriter
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(10);

    /// <summary>health.csv and hardware.csv from one emulated run; returns their row counts.</summary>
    public static async Task<(int Health, int Hardware)> WriteEmulatedAsync(
        TextWriter health, TextWriter hardware, FarmOptions farmOptions, int polls, CancellationToken cancellationToken, TimeSpan? requestTimeout = null)
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var farm = FarmEmulator.Start(FarmPlanner.Plan(farmOptions), farmOptions, clock);
        // A generous timeout: a reply late because the machine is busy must not turn into a different row. Only the
        // emulated offline units (which never answer) spend it.
        var pollOptions = Options.Create(new PollOptions { RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(2), MaxConcurrentPolls = 256 });
        using var collector = new MinerCollector(pollOptions, TimeProvider.System, NullLogger<MinerCollector>.Instance);
        var poller = new FleetPoller(collector, pollOptions);
        var endpoints = farm.Miners.Select(m => m.Endpoint).ToList();
        var windows = endpoints.Select(_ => new Queue<MinerSample>()).ToList();

        await health.WriteLineAsync(Header(MinerFeatures.Names, "meta_family"));
        await hardware.WriteLineAsync(Header(HardwareFeatures.Names, "meta_family", "meta_vendor"));
        int healthRows = 0, hardwareRows = 0;
        await poller.PollAllAsync(endpoints, cancellationToken); // warm-up; replies depend on the clock, not on the count of requests
        for (var poll = 0; poll < polls; poll++)
        {
            clock.Advance(PollInterval);
            var samples = await poller.PollAllAsync(endpoints, cancellationToken);
            for (var i = 0; i < samples.Count; i++)
            {
                var miner = farm.Miners[i].Miner;
                var window = windows[i];
                window.Enqueue(samples[i]);
                if (window.Count > MinerFeatures.WindowSize)
                {
                    window.Dequeue();
                }

                if (window.Count == MinerFeatures.WindowSize)
                {
                    var label = farm.Miners[i].TruthAt(clock.GetUtcNow()).Health;
                    await health.WriteLineAsync(Row(MinerFeatures.Of([.. window]), samples[i].Family.ToString(), i.ToString(CultureInfo.InvariantCulture), label));
                    healthRows++;
                }

                if (poll % 3 == 1 && samples[i].State == MiningState.Mining && samples[i].HashrateThs > 0)
                {
                    await hardware.WriteLineAsync(Row(HardwareFeatures.Of(samples[i]), samples[i].Family.ToString(), miner.Model.Vendor,
                        i.ToString(CultureInfo.InvariantCulture), miner.Model.Name));
                    hardwareRows++;
                }
            }
        }

        return (healthRows, hardwareRows);
    }

    /// <summary>pools.csv: <paramref name="perPool"/> synthetic coinbases for each known layout.</summary>
    public static async Task<int> WritePoolLayoutsAsync(TextWriter output, PoolCatalog catalog, int perPool, int seed)
    {
        var random = new Random(seed);
        await output.WriteLineAsync(Header(CoinbaseFeatures.Names, "meta_source"));
        var rows = 0;
        foreach (var layout in CoinbaseLayouts.Known)
        {
            var slug = catalog.Pools.First(p => p.Name == layout.Pool).Slug;
            for (var i = 0; i < perPool; i++)
            {
                var coinbase = CoinbaseLayouts.Synthesise(layout, catalog, random);
                await output.WriteLineAsync(Row(CoinbaseFeatures.Of(coinbase), layout.FromRealSample ? "layout-from-real-sample" : "assumed-layout",
                    $"{slug}-{i / 25}", slug));
                rows++;
            }
        }

        return rows;
    }

    /// <summary>real-health.csv and real-hardware.csv from the labelled real replies (one reply stands for a steady window).</summary>
    public static async Task WriteRealRepliesAsync(TextWriter health, TextWriter hardware, string minerApiRoot)
    {
        // meta_rule: what the agent's rules decide before the model is asked (empty: the model decides).
        await health.WriteLineAsync(Header(MinerFeatures.Names, "meta_family", "meta_rule"));
        await hardware.WriteLineAsync(Header(HardwareFeatures.Names, "meta_family", "meta_vendor"));
        foreach (var reply in RealReplyLabels.All)
        {
            var sample = RealReplyLabels.Sample(reply, minerApiRoot);
            if (reply.Health is { } label)
            {
                await health.WriteLineAsync(Row(MinerFeatures.Of(Enumerable.Repeat(sample, MinerFeatures.WindowSize).ToList()), reply.Family.ToString(),
                    Agent.Inference.MinerClassifier.RuleFor(sample) ?? string.Empty, reply.Name, label));
            }

            await hardware.WriteLineAsync(Row(HardwareFeatures.Of(sample), reply.Family.ToString(), reply.Vendor, reply.Name, reply.Model ?? string.Empty));
        }
    }

    /// <summary>real-pools.csv: the real coinbases, labelled by the catalogue rules (address, then tag; else unknown).</summary>
    public static async Task<int> WriteRealCoinbasesAsync(TextWriter output, string coinbaseSamplePath, PoolCatalog catalog)
    {
        var attributor = new PoolAttributor(catalog);
        await output.WriteLineAsync(Header(CoinbaseFeatures.Names, "meta_method"));
        var rows = 0;
        foreach (var line in await File.ReadAllLinesAsync(coinbaseSamplePath))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            var outputs = root.GetProperty("outputs").EnumerateArray()
                .Select(o => new TxOutput(o.GetProperty("value").GetUInt64(), Convert.FromHexString(o.GetProperty("script_hex").GetString()!))).ToList();
            var coinbase = CoinbaseDecoder.FromParts(Convert.FromHexString(root.GetProperty("identifiers").GetString()!), outputs, segwit: true);
            var pool = attributor.Attribute(coinbase);
            await output.WriteLineAsync(Row(CoinbaseFeatures.Of(coinbase), pool.Method, root.GetProperty("number").ToString(), pool.Slug));
            rows++;
        }

        return rows;
    }

    private static string Header(IEnumerable<string> features, params string[] meta) => string.Join(',', features.Concat(meta).Append("group").Append("label"));

    private static string Row(float[] features, params string[] rest) =>
        string.Join(',', features.Select(f => f.ToString("R", CultureInfo.InvariantCulture)).Concat(rest.Select(r => r.Replace(',', ' '))));
}
