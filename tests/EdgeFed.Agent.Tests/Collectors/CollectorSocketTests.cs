using System.Net;
using System.Net.Sockets;
using EdgeFed.Agent.Collectors;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace EdgeFed.Agent.Tests.Collectors;

/// <summary>The collectors over real sockets against servers replaying the real replies, spoiled as firmware spoils them.</summary>
public sealed class CollectorSocketTests
{
    internal static readonly Dictionary<string, string> Antminer = new()
    {
        ["stats"] = "antminer/v2020/stats.json",
        ["summary"] = "antminer/v2020/summary.json",
        ["pools"] = "antminer/v2020/pools.json",
        ["version"] = "antminer/v2020/version.json",
    };

    private static readonly Dictionary<string, string> Whatsminer = new()
    {
        ["summary"] = "whatsminer/v2/summary.json",
        ["devs"] = "whatsminer/v2/devs.json",
        ["pools"] = "whatsminer/v2/pools.json",
        ["status"] = "whatsminer/v2/status.json",
        ["get_version"] = "whatsminer/v2/get_version.json",
        ["get_error_code"] = "whatsminer/v2/get_error_code_with_errors.json",
    };

    // Generous by default: tests that expect an answer must not fail because a busy 2-core CI machine was slow
    // (it did, once, at 1 s); tests about timeouts set their own short one.
    /// <summary>The Antminer replies without one command's, which the server then answers with STATUS=E.</summary>
    internal static Dictionary<string, string> AntminerWithout(string command)
    {
        var replies = new Dictionary<string, string>(Antminer);
        replies.Remove(command);
        return replies;
    }

    internal static MinerCollector Collector(int timeoutMs = 10_000) =>
        new(Options.Create(new PollOptions { RequestTimeout = TimeSpan.FromMilliseconds(timeoutMs) }), TimeProvider.System, NullLogger<MinerCollector>.Instance);

    [Theory]
    [InlineData(Spoil.None)]
    [InlineData(Spoil.TrailingNul)]
    [InlineData(Spoil.ConcatenatedObjects)]
    [InlineData(Spoil.InfAndNan)]
    [InlineData(Spoil.TrailingCommas)]
    [InlineData(Spoil.NumbersAsStrings)]
    public async Task QuirksRealFirmwareHas_AreTolerated(Spoil spoil)
    {
        await using var server = new ReplayMinerServer(Antminer, spoil);
        using var collector = Collector();

        var sample = await collector.PollAsync(new MinerEndpoint("127.0.0.1", server.Port), CancellationToken.None);

        Assert.Empty(sample.Errors);
        Assert.Equal(MinerFamily.Antminer, sample.Family); // detected from the version reply
        Assert.Equal("Antminer S19 Pro", sample.Model);
        Assert.Equal(110.56689, sample.HashrateThs);
        Assert.Equal([114, 114, 114], sample.Boards.Select(b => b.Chips));
        Assert.Equal("stratum+tcp://btc.global.luxor.tech:700", sample.PoolUrl);
    }

    [Theory]
    [InlineData(Spoil.Truncated, PollErrorKind.TruncatedReply)]
    [InlineData(Spoil.Empty, PollErrorKind.EmptyReply)]
    [InlineData(Spoil.Silent, PollErrorKind.Timeout)]
    [InlineData(Spoil.Slow, PollErrorKind.Timeout)]
    public async Task BrokenReplies_BecomeTypedErrors_NotExceptions(Spoil spoil, PollErrorKind expected)
    {
        await using var server = new ReplayMinerServer(Antminer, spoil);
        using var collector = Collector(timeoutMs: 500);

        var sample = await collector.PollAsync(new MinerEndpoint("127.0.0.1", server.Port, MinerFamily.Antminer), CancellationToken.None);

        Assert.Equal(MiningState.Unreachable, sample.State);
        Assert.Equal(expected, sample.Errors[0].Kind);
        Assert.Equal("stats", sample.Errors[0].Command);
        Assert.Null(sample.HashrateThs); // absent, never 0
    }

    [Fact]
    public async Task ConnectionRefused_IsATypedError()
    {
        var port = FreePort();
        using var collector = Collector();

        var sample = await collector.PollAsync(new MinerEndpoint("127.0.0.1", port), CancellationToken.None);

        Assert.Equal(MiningState.Unreachable, sample.State);
        Assert.Equal(PollErrorKind.ConnectionRefused, Assert.Single(sample.Errors).Kind);
    }

    [Fact]
    public async Task UnreachableMiner_CostsOneRequest_NotOnePerCommand()
    {
        await using var server = new ReplayMinerServer(Antminer, Spoil.Silent);
        using var collector = Collector(timeoutMs: 300);

        var sample = await collector.PollAsync(new MinerEndpoint("127.0.0.1", server.Port, MinerFamily.Antminer), CancellationToken.None);

        Assert.Single(sample.Errors);
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task SecondaryCommandFailing_KeepsThePrimaryData_AndNamesTheCommand()
    {
        await using var server = new ReplayMinerServer(AntminerWithout("pools"));
        using var collector = Collector();

        var sample = await collector.PollAsync(new MinerEndpoint("127.0.0.1", server.Port, MinerFamily.Antminer), CancellationToken.None);

        Assert.Equal(MiningState.Mining, sample.State);
        Assert.Null(sample.PoolUrl);
        var error = Assert.Single(sample.Errors);
        Assert.Equal(("pools", PollErrorKind.ApiError), (error.Command, error.Kind));
    }

    [Fact]
    public async Task Whatsminer_IsDetected_AndItsReplyReadOverTheBtminerApi()
    {
        await using var server = new ReplayMinerServer(Whatsminer);
        using var collector = Collector();

        var sample = await collector.PollAsync(new MinerEndpoint("127.0.0.1", server.Port), CancellationToken.None);

        Assert.Equal(MinerFamily.Whatsminer, sample.Family);
        Assert.Equal(124.5, sample.HashrateThs);
        Assert.Equal(["218", "110"], sample.DeviceErrorCodes);
        // devdetails is not in the real capture: it fails alone, typed, and the rest of the sample stands.
        Assert.Equal("devdetails", Assert.Single(sample.Errors).Command);
    }

    [Fact]
    public async Task DeviceDescription_IsReusedBetweenPolls_StateIsNot()
    {
        await using var server = new ReplayMinerServer(Antminer) { Joins = true };
        using var collector = Collector();
        var endpoint = new MinerEndpoint("127.0.0.1", server.Port, MinerFamily.Antminer);

        await collector.PollAsync(endpoint, CancellationToken.None);
        var firstPoll = server.Requests;
        var second = await collector.PollAsync(endpoint, CancellationToken.None);

        Assert.Equal(2, firstPoll);                       // stats+summary+pools, version
        Assert.Equal(1, server.Requests - firstPoll);     // version comes from the cache
        Assert.Equal("49.0.1.3", second.Firmware);
        Assert.Equal("stratum+tcp://btc.global.luxor.tech:700", second.PoolUrl);
    }

    [Fact]
    public async Task UnknownFirmware_IsReportedAsSuch()
    {
        // A CGMiner RPC that names no firmware EdgeFed knows and answers nothing else.
        await using var server = new ReplayMinerServer(new Dictionary<string, string> { ["version"] = "auradine/v1/version.json" },
            rewrite: t => t.Replace("GCMiner", "Xminer", StringComparison.Ordinal));
        using var collector = Collector();

        var sample = await collector.PollAsync(new MinerEndpoint("127.0.0.1", server.Port), CancellationToken.None);

        Assert.Equal(MinerFamily.Unknown, sample.Family);
        Assert.Contains(sample.Errors, e => e.Kind == PollErrorKind.UnknownFamily);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
