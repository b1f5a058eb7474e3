using EdgeFed.Agent.Collectors;
using EdgeFed.Emulator;
using EdgeFed.Agent.Features;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace EdgeFed.Agent.Tests;

/// <summary>The miner-health featuriser on emulated faults: each fault shows its signature.</summary>
public sealed class MinerHealthFeatureTests
{
    [Fact]
    public async Task Featuriser_OnEmulatedFaults_ShowsTheirSignatures()
    {
        var options = new FarmOptions { BaseAddress = "127.91.1.1", Port = 0, HttpPort = 0, V3Port = 0, GrpcPort = 0, Ramp = TimeSpan.Zero };
        MinerPlan Plan(params BehaviourKind[] kinds) => new(MinerFamily.Antminer, "Antminer S21", "stratum+tcp://stratum.antpool.com:3333",
            kinds.Select(k => new Behaviour(k, TimeSpan.Zero)).ToList());
        await using var farm = FarmEmulator.Start([Plan(), Plan(BehaviourKind.FanFailure), Plan(BehaviourKind.HashboardFailure), Plan(BehaviourKind.Offline)], options, TimeProvider.System);
        var pollOptions = Options.Create(new PollOptions { RequestTimeout = TimeSpan.FromMilliseconds(500) });
        using var collector = new MinerCollector(pollOptions, TimeProvider.System, NullLogger<MinerCollector>.Instance);
        var windows = farm.Miners.Select(_ => new List<MinerSample>()).ToList();
        for (var poll = 0; poll < MinerFeatures.WindowSize; poll++)
        {
            var samples = await new FleetPoller(collector, pollOptions).PollAllAsync(farm.Miners.Select(m => m.Endpoint).ToList(), CancellationToken.None);
            for (var i = 0; i < samples.Count; i++)
            {
                windows[i].Add(samples[i]);
            }
        }

        var f = windows.Select(MinerFeatures.Of).ToList();
        float Feature(int miner, string name) => f[miner][MinerFeatures.Names.ToList().IndexOf(name)];

        Assert.InRange(Feature(0, "hashrate_ratio_mean"), 0.9f, 1.05f);
        Assert.Equal(1f, Feature(0, "fans_reporting_fraction"));
        Assert.Equal(0.75f, Feature(1, "fans_reporting_fraction")); // one of four fans stopped
        Assert.InRange(Feature(2, "dead_chip_fraction"), 0.33f, 0.34f); // one of three boards lost all its chips
        Assert.Equal(1f, Feature(3, "unreachable_fraction"));
        Assert.Equal(MinerFeatures.Missing, Feature(3, "chip_temp_max_c"));
    }
}
