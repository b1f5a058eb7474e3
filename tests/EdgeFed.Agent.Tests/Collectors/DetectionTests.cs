using EdgeFed.Agent.Collectors;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace EdgeFed.Agent.Tests.Collectors;

/// <summary>
/// Family and firmware from whatever a device answers (no <c>version</c>, custom firmware markers, an unknown
/// CGMiner firmware), over a real socket serving the real replies.
/// </summary>
public sealed class DetectionTests
{
    private static readonly Dictionary<string, string> StockWithoutVersion = new()
    {
        ["stats"] = "antminer/v2020/stats.json", ["summary"] = "antminer/v2020/summary.json", ["pools"] = "antminer/v2020/pools.json",
    };

    private static async Task<MinerSample> DetectAndPollAsync(ReplayMinerServer server)
    {
        using var collector = new MinerCollector(Options.Create(new PollOptions { RequestTimeout = TimeSpan.FromSeconds(3) }), TimeProvider.System,
            NullLogger<MinerCollector>.Instance);
        return await collector.PollAsync(new MinerEndpoint("127.0.0.1", server.Port), CancellationToken.None);
    }

    [Fact]
    public async Task StockAntminer_ThatDoesNotAnswerVersion_IsToldFromItsStats()
    {
        await using var server = new ReplayMinerServer(StockWithoutVersion);

        var s = await DetectAndPollAsync(server);

        Assert.Equal((MinerFamily.Antminer, "Antminer S19 Pro", "Bitmain", "49.0.1.3"), (s.Family, s.Model, s.Vendor, s.Firmware));
        Assert.Equal(110.56689, s.HashrateThs);
        Assert.DoesNotContain(s.Errors, e => e.Command != "version"); // version answers STATUS=E: expected, and only that
    }

    [Theory]
    [InlineData("Hiveon", "Hiveon 3.1.2", "\"Hiveon\": \"3.1.2\"")]
    [InlineData("VNISH", "VNish 1.2.6", "\"VNISH\": \"1.2.6\"")]
    [InlineData("KAONSU", "MaraFW KAONSU-1.4", "\"KAONSU\": \"KAONSU-1.4\"")]
    public async Task CustomAntminerFirmware_IsReadWithTheBmminerLayout_UnderItsOwnName(string marker, string firmware, string field)
    {
        // The capture's header with the firmware's own key in place of stock's BMMiner key.
        await using var server = new ReplayMinerServer(StockWithoutVersion, rewrite: t => t.Replace("\"BMMiner\": \"1.0.0\"", field, StringComparison.Ordinal));

        var s = await DetectAndPollAsync(server);

        Assert.Contains(marker, field, StringComparison.Ordinal);
        Assert.Equal((MinerFamily.Antminer, firmware, "Antminer S19 Pro"), (s.Family, s.Firmware, s.Model));
        Assert.Equal(110.56689, s.HashrateThs);
    }

    [Fact]
    public async Task UnrecognisedCgminerFirmware_NamingAnAntminerType_IsStillRead()
    {
        // No marker anywhere: the miner calls itself "FooMiner" and its cgminer "cgminer 4.12".
        await using var server = new ReplayMinerServer(StockWithoutVersion, rewrite: t => t.Replace("\"BMMiner\"", "\"FooMiner\"", StringComparison.Ordinal));

        var s = await DetectAndPollAsync(server);

        Assert.Equal((MinerFamily.Cgminer, "unrecognised cgminer"), (s.Family, s.Firmware));
        Assert.Equal(("Antminer S19 Pro", "Bitmain"), (s.Model, s.Vendor));
        Assert.Equal(110.56689, s.HashrateThs);
        Assert.Equal([114, 114, 114], s.Boards.Select(b => b.Chips));
        Assert.Equal([78.0, 71.0, 69.0], s.Boards.Select(b => b.ChipTempC));
        Assert.Equal([6000, 5880, 5040, 5040], s.FansRpm);
    }

    [Fact]
    public async Task UnrecognisedCgminerFirmware_WithOnlySummaryAndDevs_ReadsGenerically()
    {
        // An Auradine-style summary/devs pair with its markers stripped: rates in MH/s, boards from devs.
        await using var server = new ReplayMinerServer(new Dictionary<string, string>
        {
            ["summary"] = "auradine/v1/summary.json", ["devs"] = "auradine/v1/devs.json", ["pools"] = "auradine/v1/pools.json",
        }, rewrite: t => t.Replace("GCMiner", "Xminer", StringComparison.Ordinal));

        var s = await DetectAndPollAsync(server);

        Assert.Equal((MinerFamily.Cgminer, "unrecognised cgminer", MiningState.Mining), (s.Family, s.Firmware, s.State));
        Assert.Equal(20.599767, s.HashrateThs);
        Assert.Equal([6.8, 6.9, 7.0], s.Boards.Select(b => b.HashrateThs));
        Assert.Equal("stratum+tcp://btc.viabtc.io:3333", s.PoolUrl);
    }

    [Theory]
    [InlineData("auradine/v1/version.json", MinerFamily.Auradine)]
    [InlineData("sealminer/v2025/version.json", MinerFamily.Sealminer)]
    [InlineData("braiins/v24_09/version.json", MinerFamily.BraiinsOs)]
    [InlineData("braiins/v25_03/version.json", MinerFamily.BraiinsOs)]
    [InlineData("braiins/v25_05/version.json", MinerFamily.BraiinsOs)]
    [InlineData("luxminer/v1/version.json", MinerFamily.LuxOs)]
    [InlineData("antminer/v2020/version.json", MinerFamily.Antminer)]
    [InlineData("avalonminer/version.json", MinerFamily.Avalon)]
    public void Markers_InRealVersionReplies(string file, MinerFamily family) =>
        Assert.Equal(family, Agent.Collectors.Families.FamilyDetector.FromVersion(RealReplies.Json(file)));

    [Fact]
    public void WhatsminerV1_IsToldByItsDescription() =>
        Assert.Equal(MinerFamily.Whatsminer, Agent.Collectors.Families.FirmwareMarkers.Find(RealReplies.Json("whatsminer/v1/status.json").GetRawText())?.Family);
}
