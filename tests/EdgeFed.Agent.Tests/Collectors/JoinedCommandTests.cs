using EdgeFed.Agent.Cli;
using EdgeFed.Agent.Collectors;
using Xunit;

namespace EdgeFed.Agent.Tests.Collectors;

/// <summary>
/// CGMiner joined commands (<c>stats+summary+pools</c> in one connection) against servers replaying the real replies:
/// the same sample as one command per connection, in fewer connections, with a fallback for firmware that refuses.
/// </summary>
public sealed class JoinedCommandTests
{
    private static readonly Dictionary<string, string> Antminer = CollectorSocketTests.Antminer;

    private static readonly Dictionary<string, string> Avalon = new()
    {
        ["stats"] = "avalonminer/stats.json",
        ["summary"] = "avalonminer/summary.json",
        ["pools"] = "avalonminer/pools.json",
        ["version"] = "avalonminer/version.json",
    };

    private static MinerCollector Collector() => CollectorSocketTests.Collector();

    private static async Task<(MinerSample Sample, string[] Commands)> PollAsync(Dictionary<string, string> replies, MinerFamily family, bool joins)
    {
        await using var server = new ReplayMinerServer(replies) { Joins = joins };
        using var collector = Collector();
        var sample = await collector.PollAsync(new MinerEndpoint("127.0.0.1", server.Port, family), CancellationToken.None);
        return (sample with { Time = default, Endpoint = string.Empty }, [.. server.Commands]);
    }

    [Theory]
    [InlineData(MinerFamily.Antminer)]
    [InlineData(MinerFamily.Avalon)]
    public async Task JoinedReply_GivesTheSameSample_AsOneCommandPerConnection(MinerFamily family)
    {
        var replies = family == MinerFamily.Antminer ? Antminer : Avalon;

        var (joined, joinedCommands) = await PollAsync(replies, family, joins: true);
        var (separate, separateCommands) = await PollAsync(replies, family, joins: false);

        Assert.Empty(joined.Errors);
        Assert.Equal(CliJson.Serialize(separate), CliJson.Serialize(joined));
        Assert.Equal(["stats+summary+pools", "version"], joinedCommands);
        Assert.Equal(["stats+summary+pools", "stats", "summary", "pools", "version"], separateCommands);
    }

    [Fact]
    public async Task FirmwareRefusingTheJoin_IsAskedOneCommandAtATime_FromThenOn()
    {
        await using var server = new ReplayMinerServer(Antminer);
        using var collector = Collector();
        var endpoint = new MinerEndpoint("127.0.0.1", server.Port, MinerFamily.Antminer);

        var first = await collector.PollAsync(endpoint, CancellationToken.None);
        var second = await collector.PollAsync(endpoint, CancellationToken.None);

        Assert.Empty(first.Errors);
        Assert.Empty(second.Errors);
        Assert.Equal(110.56689, second.HashrateThs);
        Assert.Equal(1, server.Commands.Count(c => c.Contains('+', StringComparison.Ordinal))); // the version reply is cached too
        Assert.Equal(["stats+summary+pools", "stats", "summary", "pools", "version", "stats", "summary", "pools"], server.Commands);
    }

    [Theory]
    [InlineData(MinerFamily.Antminer)]
    [InlineData(MinerFamily.Avalon)]
    public async Task SecondPoll_ReadsTheCachedVersionReply_AfterTheFirstPollsRepliesWereReleased(MinerFamily family)
    {
        // A poll's replies are read in place and released once its sample is built; the cached static reply must be
        // a copy of its own, or the next poll would read a disposed document.
        await using var server = new ReplayMinerServer(family == MinerFamily.Antminer ? Antminer : Avalon) { Joins = true };
        using var collector = Collector();
        var endpoint = new MinerEndpoint("127.0.0.1", server.Port, family);

        var first = await collector.PollAsync(endpoint, CancellationToken.None);
        var second = await collector.PollAsync(endpoint, CancellationToken.None);

        Assert.Empty(first.Errors);
        Assert.Empty(second.Errors);
        Assert.Equal(["stats+summary+pools", "version", "stats+summary+pools"], server.Commands);
        Assert.Equal(CliJson.Serialize(first with { Time = default }), CliJson.Serialize(second with { Time = default }));
    }

    [Fact]
    public async Task JoinedPartWithAnErrorStatus_NamesThatCommand_AndKeepsTheOthers()
    {
        await using var server = new ReplayMinerServer(Antminer, rewrite: text => text.Contains("\"POOLS\"", StringComparison.Ordinal)
            ? text.Replace("\"STATUS\": \"S\"", "\"STATUS\": \"E\"", StringComparison.Ordinal)
            : text) { Joins = true };
        using var collector = Collector();

        var sample = await collector.PollAsync(new MinerEndpoint("127.0.0.1", server.Port, MinerFamily.Antminer), CancellationToken.None);

        Assert.Equal(MiningState.Mining, sample.State);
        Assert.Null(sample.PoolUrl);
        var error = Assert.Single(sample.Errors);
        Assert.Equal(("pools", PollErrorKind.ApiError), (error.Command, error.Kind));
        Assert.Equal(["stats+summary+pools", "version"], server.Commands);
    }

    [Fact]
    public async Task OneAtATime_APrimaryCommandFailing_EndsThePoll_AsBeforeJoins()
    {
        await using var server = new ReplayMinerServer(CollectorSocketTests.AntminerWithout("stats"));
        using var collector = Collector();

        var sample = await collector.PollAsync(new MinerEndpoint("127.0.0.1", server.Port, MinerFamily.Antminer), CancellationToken.None);

        Assert.Equal(MiningState.Unreachable, sample.State);
        Assert.Equal(("stats", PollErrorKind.ApiError), (Assert.Single(sample.Errors).Command, sample.Errors[0].Kind));
        Assert.Equal(["stats+summary+pools", "stats"], server.Commands);
    }

    [Fact]
    public async Task GarbledJoinedReply_IsRecorded_AndThePollStillGetsItsData()
    {
        await using var server = new ReplayMinerServer(Antminer) { Joins = true };
        using var collector = Collector();
        var endpoint = new MinerEndpoint("127.0.0.1", server.Port, MinerFamily.Antminer);
        server.Spoiling = Spoil.Truncated;

        var garbled = await collector.PollAsync(endpoint, CancellationToken.None);
        server.Spoiling = Spoil.None;
        var next = await collector.PollAsync(endpoint, CancellationToken.None);

        Assert.Contains(garbled.Errors, e => e is { Command: "stats", Kind: PollErrorKind.TruncatedReply } && e.Message.Contains("joined", StringComparison.Ordinal));
        Assert.Empty(next.Errors);
        Assert.Equal("stats+summary+pools", server.Commands.Last(c => c.Contains('+', StringComparison.Ordinal)));
        Assert.Equal(2, server.Commands.Count(c => c == "stats+summary+pools")); // a garbled join is not a refusal
    }

    [Fact]
    public async Task JoinedReplyWithAPartThatIsNoReply_IsNotTakenForOne_AndEachCommandIsAsked()
    {
        // The summary's "reply" inside the join is an array, not a reply object: not a join this agent can read.
        await using var server = new ReplayMinerServer(Antminer, rewrite: text => text.Contains("\"SUMMARY\"", StringComparison.Ordinal) ? $"[{text}]" : text)
        {
            Joins = true,
        };
        using var collector = Collector();

        var sample = await collector.PollAsync(new MinerEndpoint("127.0.0.1", server.Port, MinerFamily.Antminer), CancellationToken.None);

        Assert.Equal(MiningState.Mining, sample.State);
        Assert.Equal(["stats+summary+pools", "stats", "summary", "pools", "version"], server.Commands);
    }

    [Fact]
    public async Task SilentDevice_CostsOneTimeout_NamedOnTheFirstCommand()
    {
        await using var server = new ReplayMinerServer(Antminer, Spoil.Silent) { Joins = true };
        using var collector = CollectorSocketTests.Collector(timeoutMs: 300);

        var sample = await collector.PollAsync(new MinerEndpoint("127.0.0.1", server.Port, MinerFamily.Antminer), CancellationToken.None);

        Assert.Equal(MiningState.Unreachable, sample.State);
        var error = Assert.Single(sample.Errors);
        Assert.Equal(("stats", PollErrorKind.Timeout), (error.Command, error.Kind));
        Assert.Equal(1, server.Requests);
    }
}
