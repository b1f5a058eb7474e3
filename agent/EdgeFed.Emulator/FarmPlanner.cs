using EdgeFed.Agent.Collectors;

namespace EdgeFed.Emulator;

/// <summary>One miner to emulate.</summary>
public sealed record MinerPlan(MinerFamily Family, string Model, string PoolUrl, IReadOnlyList<Behaviour> Behaviours);

/// <summary>
/// Plans a mixed farm from a seed: firmware families and models in proportions like a large North-American
/// farm, pools weighted roughly by their share of blocks, and a fraction of units with a fault.
/// </summary>
public static class FarmPlanner
{
    public static readonly IReadOnlyList<(string Url, double Weight)> DefaultPools =
    [
        ("stratum+tcp://btc.foundryusapool.com:3333", 0.30),
        ("stratum+tcp://stratum.antpool.com:3333", 0.20),
        ("stratum+tcp://btc.viabtc.io:3333", 0.12),
        ("stratum+tcp://btc.f2pool.com:1314", 0.10),
        ("stratum+tcp://stratum.braiins.com:3333", 0.08),
        ("stratum+tcp://btc.global.luxor.tech:700", 0.08),
        ("stratum+tcp://mine.ocean.xyz:3334", 0.06),
        ("stratum+tcp://sha256.poolbinance.com:443", 0.06),
    ];

    /// <summary>All the firmware families (the twelve of issue 14, and Braiins OS's older GraphQL API), each on its own protocol.</summary>
    private static readonly (MinerFamily Family, string[] Models, double Weight)[] Mix =
    [
        (MinerFamily.Antminer, ["Antminer S19j Pro", "Antminer S19 XP", "Antminer S21", "Antminer S21 Pro", "Antminer S21 XP", "Antminer S19 Pro"], 0.31),
        (MinerFamily.Whatsminer, ["Whatsminer M30S++", "Whatsminer M50S", "Whatsminer M60S"], 0.17),
        (MinerFamily.WhatsminerV3, ["Whatsminer M60S"], 0.05),
        (MinerFamily.BraiinsOs, ["Antminer S19j Pro", "Antminer S21"], 0.06),
        (MinerFamily.BraiinsOsGrpc, ["Antminer S19 XP", "Antminer S21 Pro"], 0.04),
        (MinerFamily.BraiinsOsGraphql, ["Antminer S19j Pro", "Antminer S21"], 0.02),
        (MinerFamily.Avalon, ["Avalon 1246", "Avalon A1366", "Avalon A1466"], 0.08),
        (MinerFamily.LuxOs, ["Antminer S19k Pro", "Antminer S19 XP"], 0.06),
        (MinerFamily.Epic, ["Antminer S19 XP", "Antminer S19j Pro"], 0.04),
        (MinerFamily.Auradine, ["Auradine AT1500"], 0.04),
        (MinerFamily.Sealminer, ["SEALMINER A2"], 0.04),
        (MinerFamily.Proto, ["Proto Rig"], 0.03),
        (MinerFamily.Bitaxe, ["Bitaxe Gamma", "Bitaxe Supra"], 0.06),
    ];

    /// <summary>"url=weight,url=weight" (weight optional, default 1) as given on the command line.</summary>
    public static IReadOnlyList<(string Url, double Weight)> ParsePools(string? text) =>
        (text ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(entry =>
        {
            var at = entry.LastIndexOf('=');
            var url = at > 0 ? entry[..at] : entry;
            var weight = at > 0 ? double.Parse(entry[(at + 1)..], System.Globalization.CultureInfo.InvariantCulture) : 1.0;
            return Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme.StartsWith("stratum", StringComparison.Ordinal) && weight > 0
                ? (url, weight)
                : throw new FormatException($"'{entry}' is not stratum+tcp://host:port[=weight].");
        }).ToList();

    public static IReadOnlyList<MinerPlan> Plan(FarmOptions options)
    {
        var random = new Random(options.Seed);
        var pools = options.Pools.Count > 0 ? options.Pools : DefaultPools;
        var faults = Enum.GetValues<BehaviourKind>();
        return Enumerable.Range(0, options.Miners).Select(_ =>
        {
            var (family, models, _) = Pick(random, Mix, m => m.Weight);
            var model = models[random.Next(models.Length)];
            var pool = Pick(random, pools, p => p.Weight).Url;
            IReadOnlyList<Behaviour> behaviours = random.NextDouble() < options.FaultyFraction
                ? [new Behaviour(faults[random.Next(faults.Length)], TimeSpan.FromSeconds(random.Next(0, 2) * random.Next(30, 600)))]
                : [];
            return new MinerPlan(family, model, pool, behaviours);
        }).ToList();
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items, Func<T, double> weight)
    {
        var roll = random.NextDouble() * items.Sum(weight);
        foreach (var item in items)
        {
            roll -= weight(item);
            if (roll <= 0)
            {
                return item;
            }
        }

        return items[^1];
    }
}
