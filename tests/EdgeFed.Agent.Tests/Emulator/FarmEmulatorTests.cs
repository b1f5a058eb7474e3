using EdgeFed.Agent.Collectors;
using EdgeFed.Emulator;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace EdgeFed.Agent.Tests.Emulator;

/// <summary>Collectors against the fleet emulator over real sockets, checked against each miner's ground truth.</summary>
public sealed class FarmEmulatorTests
{
    private static readonly FarmOptions Loopback = new() { BaseAddress = "127.77.1.1", Port = 0, HttpPort = 0, V3Port = 0, GrpcPort = 0, Ramp = TimeSpan.Zero, Seed = 7 };

    private static MinerCollector Collector(int timeoutMs = 2000) =>
        new(Options.Create(new PollOptions { RequestTimeout = TimeSpan.FromMilliseconds(timeoutMs) }), TimeProvider.System, NullLogger<MinerCollector>.Instance);

    private static MinerPlan Plan(MinerFamily family, string model, params BehaviourKind[] behaviours) =>
        new(family, model, "stratum+tcp://btc.foundryusapool.com:3333", behaviours.Select(b => new Behaviour(b, TimeSpan.Zero)).ToList());

    public static TheoryData<MinerFamily, string> Families() => new()
    {
        { MinerFamily.Antminer, "Antminer S21" },
        { MinerFamily.LuxOs, "Antminer S19k Pro" },
        { MinerFamily.BraiinsOs, "Antminer S19j Pro" },
        { MinerFamily.Whatsminer, "Whatsminer M50S" },
        { MinerFamily.Avalon, "Avalon A1466" },
        { MinerFamily.Bitaxe, "Bitaxe Gamma" },
    };

    [Theory]
    [MemberData(nameof(Families))]
    public async Task HealthyMiner_IsDetected_AndMatchesItsTruth(MinerFamily family, string model)
    {
        await using var farm = FarmEmulator.Start([Plan(family, model)], Loopback, TimeProvider.System);
        using var collector = Collector();
        var miner = farm.Miners.Single();

        var sample = await collector.PollAsync(miner.Endpoint with { Family = null }, CancellationToken.None);
        var truth = miner.TruthAt(DateTimeOffset.UtcNow);

        Assert.Empty(sample.Errors);
        Assert.Equal(family, sample.Family);
        Assert.Equal(model, sample.Model);
        Assert.Equal(MiningState.Mining, sample.State);
        Assert.InRange(sample.HashrateThs!.Value, truth.NominalThs * 0.9, truth.NominalThs * 1.05);
        Assert.Equal(truth.Boards.Select(b => b.Chips), sample.Boards.Select(b => b.Chips!.Value));
        Assert.Equal(truth.FansRpm.Count, sample.FansRpm.Count);
        Assert.Equal("stratum+tcp://btc.foundryusapool.com:3333", sample.PoolUrl);
        Assert.StartsWith("farm7.worker", sample.PoolUser, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(MinerFamily.Antminer, "Antminer S19 XP")]
    [InlineData(MinerFamily.Whatsminer, "Whatsminer M60S")]
    [InlineData(MinerFamily.Avalon, "Avalon A1366")]
    public async Task Faults_ShowInTheSamples(MinerFamily family, string model)
    {
        var plans = new[]
        {
            Plan(family, model, BehaviourKind.Overheating),
            Plan(family, model, BehaviourKind.HashboardFailure),
            Plan(family, model, BehaviourKind.FanFailure),
            Plan(family, model, BehaviourKind.Underperforming),
        };
        await using var farm = FarmEmulator.Start(plans, Loopback, TimeProvider.System);
        using var collector = Collector();

        var samples = await new FleetPoller(collector, Options.Create(new PollOptions())).PollAllAsync(farm.Miners.Select(m => m.Endpoint).ToList(), CancellationToken.None);

        Assert.True(samples[0].Boards.Max(b => b.ChipTempC) > 88, "overheating: chips above 88 °C");
        Assert.Equal(0, samples[1].Boards[0].Chips); // the failed board has lost its chips
        Assert.Equal(0, samples[1].Boards[0].HashrateThs);
        Assert.Equal(farm.Miners[2].Miner.Model.Fans - 1, samples[2].FansRpm.Count); // a stopped fan reads 0 rpm: absent
        Assert.InRange(samples[3].HashrateThs!.Value / samples[3].NominalThs!.Value, 0.7, 0.86);
        Assert.Equal(["overheating", "hashboard_fault", "fan_fault", "underperforming"], farm.Miners.Select(m => m.TruthAt(DateTimeOffset.UtcNow).Health));
    }

    [Theory]
    [InlineData(MinerFamily.Whatsminer, "Whatsminer M30S++", MiningState.Curtailed)]
    [InlineData(MinerFamily.Avalon, "Avalon A1466", MiningState.Curtailed)]
    [InlineData(MinerFamily.Antminer, "Antminer S21", MiningState.Off)] // stock firmware does not say why it is idle
    public async Task CurtailedMiner_ReportsNoHashrate_AndItsFirmwaresState(MinerFamily family, string model, MiningState expected)
    {
        await using var farm = FarmEmulator.Start([Plan(family, model, BehaviourKind.Curtailed)], Loopback, TimeProvider.System);
        using var collector = Collector();

        var sample = await collector.PollAsync(farm.Miners.Single().Endpoint, CancellationToken.None);

        Assert.Equal(expected, sample.State);
        Assert.Equal(0, sample.HashrateThs);
    }

    [Fact]
    public async Task OfflineMiner_TimesOut_WithoutHoldingUpTheOthers()
    {
        var plans = new[] { Plan(MinerFamily.Antminer, "Antminer S21", BehaviourKind.Offline) }
            .Concat(Enumerable.Range(0, 20).Select(_ => Plan(MinerFamily.Antminer, "Antminer S21"))).ToArray();
        await using var farm = FarmEmulator.Start(plans, Loopback, TimeProvider.System);
        using var collector = Collector(timeoutMs: 1500);

        var samples = await new FleetPoller(collector, Options.Create(new PollOptions { MaxConcurrentPolls = 4 }))
            .PollAllAsync(farm.Miners.Select(m => m.Endpoint).ToList(), CancellationToken.None);

        var offline = samples[0];
        Assert.Equal(PollErrorKind.Timeout, Assert.Single(offline.Errors).Kind);
        Assert.All(samples.Skip(1), s => Assert.Equal(MiningState.Mining, s.State));
        // Ordering, not timing: every healthy miner was sampled before the silent one gave up.
        Assert.All(samples.Skip(1), s => Assert.True(s.Time < offline.Time));
    }

    [Fact]
    public async Task MisbehavingMiners_GiveTypedErrors_AndSometimesData()
    {
        await using var farm = FarmEmulator.Start(
            [Plan(MinerFamily.Antminer, "Antminer S21", BehaviourKind.MalformedReplies), Plan(MinerFamily.Whatsminer, "Whatsminer M50S", BehaviourKind.FlappingNetwork)],
            Loopback, TimeProvider.System);
        using var collector = Collector();
        var samples = new List<MinerSample>();

        // A third of the replies are spoiled, a third of those beyond repair; with stats+summary+pools joined a poll is
        // one reply, so 100 polls leave a chance of about 1e-5 of seeing no garbled one (25 did at three replies a poll).
        for (var i = 0; i < 100; i++)
        {
            foreach (var miner in farm.Miners)
            {
                samples.Add(await collector.PollAsync(miner.Endpoint, CancellationToken.None));
            }
        }

        var kinds = samples.SelectMany(s => s.Errors).Select(e => e.Kind).ToHashSet();
        Assert.Contains(samples, s => s.State == MiningState.Mining);
        Assert.True(kinds.Overlaps([PollErrorKind.TruncatedReply, PollErrorKind.MalformedReply]), $"kinds seen: {string.Join(", ", kinds)}");
        Assert.True(kinds.Overlaps([PollErrorKind.ConnectionReset, PollErrorKind.EmptyReply]), $"kinds seen: {string.Join(", ", kinds)}");
    }

    [Fact]
    public void Planner_IsDeterministic_AndMixesFamiliesAndPools()
    {
        var a = FarmPlanner.Plan(new FarmOptions { Miners = 500, Seed = 3 });
        var b = FarmPlanner.Plan(new FarmOptions { Miners = 500, Seed = 3 });

        Assert.Equal(a, b, (x, y) => x.Family == y.Family && x.Model == y.Model && x.PoolUrl == y.PoolUrl && x.Behaviours.SequenceEqual(y.Behaviours));
        Assert.Equal(13, a.Select(p => p.Family).Distinct().Count()); // the twelve families and Braiins OS's GraphQL API
        Assert.Equal(8, a.Select(p => p.PoolUrl).Distinct().Count());
        Assert.InRange(a.Count(p => p.Behaviours.Count > 0), 40, 110);
    }

    [Fact]
    public void ConfiguredPoolMix_IsWhatTheMinersPointAt()
    {
        var pools = FarmPlanner.ParsePools("stratum+tcp://mine.ocean.xyz:3334=3,stratum+tcp://solo.ckpool.org:3333=1");

        var plan = FarmPlanner.Plan(new FarmOptions { Miners = 400, Seed = 9, Pools = pools });

        Assert.Equal(["stratum+tcp://mine.ocean.xyz:3334", "stratum+tcp://solo.ckpool.org:3333"], plan.Select(p => p.PoolUrl).Distinct().Order());
        Assert.InRange(plan.Count(p => p.PoolUrl.Contains("ocean", StringComparison.Ordinal)), 260, 340);
        Assert.Throws<FormatException>(() => FarmPlanner.ParsePools("http://not-a-pool=1"));
    }
}
