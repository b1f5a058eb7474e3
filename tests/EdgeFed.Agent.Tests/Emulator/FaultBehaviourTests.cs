using EdgeFed.Agent.Collectors;
using EdgeFed.Agent.Features;
using EdgeFed.Agent.Inference;
using EdgeFed.Agent.Tests.Inference;
using EdgeFed.Emulator;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace EdgeFed.Agent.Tests.Emulator;

/// <summary>
/// The emulator's faults behave as the firmware's own do (PROTOCOLS.md), in every family, read back over the real
/// protocols: thermal protection, sleep, a dead hashboard, a failed fan.
/// </summary>
public sealed class FaultBehaviourTests
{
    private static readonly FarmOptions Loopback = new() { BaseAddress = "127.79.1.1", Port = 0, HttpPort = 0, V3Port = 0, GrpcPort = 0, Ramp = TimeSpan.Zero, Seed = 9 };

    public static TheoryData<MinerFamily, string> Families()
    {
        var data = new TheoryData<MinerFamily, string>();
        foreach (var (family, model, _) in AllFamiliesProbeTests.Units)
        {
            data.Add(family, model);
        }

        return data;
    }

    private static async Task<(IReadOnlyList<MinerSample> Samples, IReadOnlyList<MinerTruth> Truths)> PollAsync(MinerFamily family, string model, params BehaviourKind[] faults)
    {
        var plans = faults.Select(f => new MinerPlan(family, model, "stratum+tcp://btc.foundryusapool.com:3333", [new Behaviour(f, TimeSpan.Zero)])).ToList();
        await using var farm = FarmEmulator.Start(plans, Loopback, TimeProvider.System);
        using var collector = new MinerCollector(Options.Create(new PollOptions { RequestTimeout = TimeSpan.FromSeconds(3) }), TimeProvider.System, NullLogger<MinerCollector>.Instance);
        var samples = await new FleetPoller(collector, Options.Create(new PollOptions())).PollAllAsync(farm.Miners.Select(m => m.Endpoint).ToList(), CancellationToken.None);
        return (samples, farm.Miners.Select(m => m.TruthAt(DateTimeOffset.UtcNow)).ToList());
    }

    [Theory]
    [MemberData(nameof(Families))]
    public async Task ThermalProtection_ZeroHashrate_ChipsAtTheLimit_FansHigh_DecidedByRule(MinerFamily family, string model)
    {
        var (samples, truths) = await PollAsync(family, model, BehaviourKind.Overheating);
        var s = samples.Single();

        Assert.Empty(s.Errors);
        Assert.Equal("overheating", truths[0].Health);
        Assert.Equal(0, s.HashrateThs);
        Assert.InRange(s.Boards.Select(b => b.ChipTempC).Max()!.Value, EmulatedMiner.ThermalLimitC(family) - 2, EmulatedMiner.ThermalLimitC(family) + 4.5); // limit -1.5..+2.5, +0.5 per board
        Assert.True(s.FansRpm.Count == 0 || s.FansRpm.Average() > 5500, $"fans {string.Join(", ", s.FansRpm)}");

        using var models = CommittedModels.Load();
        var result = new MinerClassifier(models).Classify([Enumerable.Repeat(s, MinerFeatures.WindowSize).ToList()])[0];
        if (s.Boards.Select(b => b.ChipTempC).Max() >= MinerClassifier.ThermalProtectionChipC)
        {
            Assert.Equal(("overheating", "rule"), (result.Health, result.DecidedBy));
        }
        else
        {
            Assert.Equal("overheating", result.Health); // a Bitaxe's limit is below the rule's: the model decides
        }
    }

    [Theory]
    [MemberData(nameof(Families))]
    public async Task Sleep_ZeroHashrate_CoolBoards_SlowFans(MinerFamily family, string model)
    {
        var (samples, truths) = await PollAsync(family, model, BehaviourKind.Curtailed);
        var s = samples.Single();

        Assert.Equal("curtailed", truths[0].Health);
        Assert.Equal(0, s.HashrateThs);
        Assert.True(s.Boards.Select(b => b.ChipTempC).Max() < 45, $"chips {string.Join(", ", s.Boards.Select(b => b.ChipTempC))}");
        Assert.True(s.FansRpm.Count == 0 || s.FansRpm.Max() < 2000, $"fans {string.Join(", ", s.FansRpm)}");
        Assert.NotEqual(MiningState.Mining, s.State);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public async Task DeadHashboard_OneBoardWithoutChipsOrHashrate_TheOthersNormal(MinerFamily family, string model)
    {
        var catalog = ModelCatalog.Find(model)!;
        if (catalog.Boards < 2)
        {
            return; // a Bitaxe has one board: a dead board is a dead unit
        }

        var (samples, _) = await PollAsync(family, model, BehaviourKind.HashboardFailure);
        var s = samples.Single();

        var dead = s.Boards.OrderBy(b => b.Index).First();
        Assert.True(dead.Chips is 0 or null, $"{family}: chips {dead.Chips}");
        Assert.True(dead.HashrateThs is 0 or null, $"{family}: hashrate {dead.HashrateThs}");
        Assert.All(s.Boards.OrderBy(b => b.Index).Skip(1), b => Assert.True(b.HashrateThs is null || b.HashrateThs > 0.5 * catalog.NominalThs / catalog.Boards, $"{family}: {b}"));
        Assert.InRange(s.HashrateThs!.Value, 0.4 * catalog.NominalThs, 0.8 * catalog.NominalThs);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public async Task FailedFan_ReadsZero_AndTheChipsWarm(MinerFamily family, string model)
    {
        var catalog = ModelCatalog.Find(model)!;
        var (samples, truths) = await PollAsync(family, model, BehaviourKind.FanFailure);

        Assert.Equal("fan_fault", truths[0].Health);
        Assert.True(samples[0].FansRpm.Count < catalog.Fans, $"{family}: fans {string.Join(", ", samples[0].FansRpm)}"); // a stopped fan reads 0 rpm: absent
    }
}
