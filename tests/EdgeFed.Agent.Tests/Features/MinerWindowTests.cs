using EdgeFed.Agent.Collectors;
using EdgeFed.Agent.Features;
using EdgeFed.Agent.Inference;
using EdgeFed.Emulator;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace EdgeFed.Agent.Tests.Features;

/// <summary>The window of poll summaries gives the classifier exactly what the whole samples give it.</summary>
public sealed class MinerWindowTests
{
    [Fact]
    public async Task Window_OverEmulatedFaults_GivesTheFeaturesAndIdentityOfTheWholeSamples()
    {
        var options = new FarmOptions { BaseAddress = "127.91.2.1", Port = 0, HttpPort = 0, V3Port = 0, GrpcPort = 0, Ramp = TimeSpan.Zero };
        MinerPlan Plan(MinerFamily family, string model, params BehaviourKind[] kinds) => new(family, model, "stratum+tcp://stratum.antpool.com:3333",
            kinds.Select(k => new Behaviour(k, TimeSpan.Zero)).ToList());
        await using var farm = FarmEmulator.Start(
        [
            Plan(MinerFamily.Antminer, "Antminer S21"), Plan(MinerFamily.Antminer, "Antminer S19j Pro", BehaviourKind.FlappingNetwork),
            Plan(MinerFamily.Whatsminer, "Whatsminer M50S", BehaviourKind.MalformedReplies), Plan(MinerFamily.Avalon, "Avalon 1246", BehaviourKind.Curtailed),
            Plan(MinerFamily.Antminer, "Antminer S19 XP", BehaviourKind.HashboardFailure, BehaviourKind.FlappingNetwork),
            Plan(MinerFamily.Antminer, "Antminer S21", BehaviourKind.Offline),
        ], options, TimeProvider.System);
        var pollOptions = Options.Create(new PollOptions { RequestTimeout = TimeSpan.FromMilliseconds(500) });
        using var collector = new MinerCollector(pollOptions, TimeProvider.System, NullLogger<MinerCollector>.Instance);
        var whole = farm.Miners.Select(_ => new List<MinerSample>()).ToList();
        var slim = farm.Miners.Select(_ => new MinerWindow()).ToList();
        var sawUnreachable = false;
        for (var poll = 0; poll < MinerFeatures.WindowSize + 4; poll++)
        {
            var samples = await new FleetPoller(collector, pollOptions).PollAllAsync(farm.Miners.Select(m => m.Endpoint).ToList(), CancellationToken.None);
            for (var i = 0; i < samples.Count; i++)
            {
                whole[i].Add(samples[i]);
                if (whole[i].Count > MinerFeatures.WindowSize)
                {
                    whole[i].RemoveAt(0);
                }

                slim[i].Add(samples[i]);
                sawUnreachable |= samples[i].State == MiningState.Unreachable;
                Assert.Equal(whole[i].Count, slim[i].Count);
                Assert.Equal(MinerFeatures.Of(whole[i]), MinerFeatures.Of(slim[i]));
                Assert.Same(MinerClassifier.Identity(whole[i]), slim[i].Identity);
                Assert.Same(whole[i][^1], slim[i].Latest);
            }
        }

        Assert.True(sawUnreachable); // the identity was tested apart from the latest sample
    }

    [Fact]
    public void Window_KeepsTheLastAnsweringSampleWhole_WhileItsPollIsInTheWindow()
    {
        var window = new MinerWindow();
        var answered = Sample(MiningState.Mining, 74.1);
        window.Add(Sample(MiningState.Mining, 70.0));
        window.Add(answered);
        for (var i = 0; i < MinerFeatures.WindowSize - 2; i++)
        {
            window.Add(Sample(MiningState.Unreachable, null));
        }

        Assert.Same(answered, window.Identity);
        Assert.Equal(new PollSummary(MiningState.Mining, 70.0, 200, 84.5, 0), window[0]); // what the features read of it
        Assert.Equal(new PollSummary(MiningState.Unreachable, null, 200, null, 1), window[^1]);

        window.Add(Sample(MiningState.Unreachable, null));
        Assert.Same(answered, window.Identity); // still the second oldest poll
        window.Add(Sample(MiningState.Unreachable, null)); // its poll leaves the window: so does it
        Assert.Equal(MinerFeatures.WindowSize, window.Count);
        Assert.Equal(MiningState.Unreachable, window[0].State);
        Assert.Same(window.Latest, window.Identity);
        Assert.Throws<ArgumentOutOfRangeException>(() => window[MinerFeatures.WindowSize]);
    }

    private static MinerSample Sample(MiningState state, double? ths) => new()
    {
        Endpoint = "127.0.0.1:4028", Family = MinerFamily.Antminer, Model = state == MiningState.Unreachable ? null : "Antminer S21",
        State = state, HashrateThs = ths, NominalThs = 200,
        Boards = state == MiningState.Unreachable ? [] : [new HashboardSample { Index = 0, ChipTempC = 80.0 }, new HashboardSample { Index = 1, ChipTempC = 84.5 }],
        FansRpm = state == MiningState.Unreachable ? [] : [5400, 5460, 5520, 5400],
        Errors = state == MiningState.Unreachable ? [new PollError(PollErrorKind.Timeout, "summary", "no reply in 500 ms")] : [],
    };
}
