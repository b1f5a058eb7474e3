using System.Text.Json;
using EdgeFed.Agent.Collectors;
using EdgeFed.Agent.Emulator;
using EdgeFed.Agent.Features;
using EdgeFed.Agent.Inference;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace EdgeFed.Agent.Tests;

/// <summary>The committed miner-health model: its golden parity under ONNX Runtime, and the featuriser it was trained on.</summary>
public sealed class MinerHealthModelTests
{
    private static string ModelPath => Path.Combine(RepoPaths.Root, "models", "miner-health.onnx");

    [Fact]
    public void CommittedModel_MatchesScikitLearnOnItsGoldenRows()
    {
        var golden = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "models", "miner-health.golden.json"))).RootElement;
        var inputs = golden.GetProperty("inputs").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();
        var expected = golden.GetProperty("sklearn_probabilities").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();
        using var model = new OnnxClassifier(ModelPath, MinerFeatures.Names.Count);

        var actual = model.Predict(inputs.SelectMany(r => r).ToArray(), inputs.Length);

        Assert.Equal(golden.GetProperty("features").EnumerateArray().Select(f => f.GetString()), MinerFeatures.Names);
        Assert.Equal(expected.Length * model.ClassCount, actual.Length);
        for (var i = 0; i < actual.Length; i++)
        {
            Assert.InRange(actual[i], expected[i / model.ClassCount][i % model.ClassCount] - 1e-5f, expected[i / model.ClassCount][i % model.ClassCount] + 1e-5f);
        }
    }

    [Fact]
    public async Task Featuriser_OnEmulatedFaults_ShowsTheirSignatures()
    {
        var options = new FarmOptions { BaseAddress = "127.91.1.1", Port = 0, HttpPort = 0, Ramp = TimeSpan.Zero };
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
