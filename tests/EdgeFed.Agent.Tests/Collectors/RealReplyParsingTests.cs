using EdgeFed.Agent.Collectors;
using EdgeFed.Agent.Collectors.Families;
using EdgeFed.Agent.Collectors.Parsing;
using Xunit;
using static EdgeFed.Agent.Tests.Collectors.RealReplies;

namespace EdgeFed.Agent.Tests.Collectors;

/// <summary>The parsers on the real replies in ../shared/data/miner-api, asserting values read off those files.</summary>
public sealed class RealReplyParsingTests
{
    public static TheoryData<string> Files() => new(SupportedFamilyFiles());

    [Theory]
    [MemberData(nameof(Files))]
    public void EveryRealReplyOfASupportedFamily_Parses(string file) =>
        Assert.NotEqual(System.Text.Json.JsonValueKind.Undefined, Json(file).ValueKind);

    [Fact]
    public void StockAntminer_S19Pro()
    {
        var sample = AntminerParser.Parse(MinerFamily.Antminer, Json("antminer/v2020/stats.json"), Json("antminer/v2020/summary.json"),
            Json("antminer/v2020/pools.json"), Json("antminer/v2020/version.json"), powerW: null);

        Assert.Equal("Antminer S19 Pro", sample.Model);
        Assert.Equal("Bitmain", sample.Vendor);
        Assert.Equal(MiningState.Mining, sample.State);
        Assert.Equal(110.56689, sample.HashrateThs);
        Assert.Equal(111.83463, sample.AverageThs);
        Assert.Equal(110.0, sample.NominalThs);
        Assert.Null(sample.PowerW); // stock Antminers report no power
        Assert.Equal([114, 114, 114], sample.Boards.Select(b => b.Chips));
        Assert.Equal([0, 0, 0], sample.Boards.Select(b => b.DeadChips));
        Assert.Equal([78.0, 71.0, 69.0], sample.Boards.Select(b => b.ChipTempC));
        Assert.Equal([73.0, 66.0, 64.0], sample.Boards.Select(b => b.BoardTempC));
        Assert.Equal(37.6033, sample.Boards[0].HashrateThs);
        Assert.Equal([183L, 195L, 184L], sample.Boards.Select(b => b.HardwareErrors));
        Assert.Equal([6000, 5880, 5040, 5040], sample.FansRpm);
        Assert.Equal("stratum+tcp://btc.global.luxor.tech:700", sample.PoolUrl);
        Assert.Equal("satokierepair.H04YK", sample.PoolUser);
        Assert.Equal(4057, sample.AcceptedShares);
        Assert.Equal(11, sample.RejectedShares);
        Assert.Equal(562, sample.HardwareErrors);
        Assert.Equal(50474, sample.UptimeSeconds);
    }

    [Fact]
    public void LuxOs_S19kPro_ReportsPower()
    {
        var power = Json("luxminer/v1/power.json").First("POWER")?.Double("Watts");
        var sample = AntminerParser.Parse(MinerFamily.LuxOs, Json("luxminer/v1/stats.json"), Json("luxminer/v1/summary.json"),
            Json("luxminer/v1/pools.json"), Json("luxminer/v1/version.json"), power);

        Assert.Equal("Antminer S19k Pro", sample.Model);
        Assert.Equal("2025.4.8.220305-57b389c7", sample.Firmware);
        Assert.Equal(1051, sample.PowerW);
        Assert.Equal(61.9542, sample.NominalThs);
        Assert.Equal([77, 77, 77], sample.Boards.Select(b => b.Chips));
        Assert.Equal([77, 77, 77], sample.Boards.Select(b => b.ExpectedChips));
        Assert.Equal([1920, 1920, 2340, 2340], sample.FansRpm);
    }

    [Fact]
    public void Whatsminer_V1()
    {
        var sample = WhatsminerParser.Parse(Json("whatsminer/v1/summary.json"), Json("whatsminer/v1/devs.json"), Json("whatsminer/v1/pools.json"),
            Json("whatsminer/v1/status.json"), Json("whatsminer/v1/get_version.json"), errorCodes: null, devdetails: null);

        Assert.Equal("MicroBT", sample.Vendor);
        Assert.Null(sample.Model); // v1 replies do not name the model
        Assert.Equal(MiningState.Mining, sample.State);
        Assert.Equal(70.668115, sample.HashrateThs);
        Assert.Equal(67.753251, sample.AverageThs);
        Assert.Equal(68.796, sample.NominalThs);
        Assert.Equal(3417, sample.PowerW);
        Assert.Equal([6450, 6480], sample.FansRpm);
        Assert.Equal(3, sample.Boards.Count);
        Assert.Equal(105, sample.Boards[0].Chips);
        Assert.Equal(90.0, sample.Boards[0].ChipTempC);
        Assert.Equal("20210322.22.REL", sample.Firmware);
        Assert.Equal("stratum+tcp://btc.example.pool:3333", sample.PoolUrl);
        Assert.Equal(10792, sample.UptimeSeconds);
        Assert.Empty(sample.DeviceErrorCodes);
    }

    [Fact]
    public void Whatsminer_ErrorCodes_FromSummaryAndFromGetErrorCode()
    {
        var v1 = WhatsminerParser.Parse(Json("whatsminer/v1/summary_with_errors.json"), null, null, null, null, null, null);
        var v2 = WhatsminerParser.Parse(Json("whatsminer/v2/summary.json"), Json("whatsminer/v2/devs.json"), Json("whatsminer/v2/pools.json"),
            Json("whatsminer/v2/status.json"), Json("whatsminer/v2/get_version.json"), Json("whatsminer/v2/get_error_code_with_errors.json"), null);

        Assert.Equal(["110", "600"], v1.DeviceErrorCodes);
        Assert.Equal(["218", "110"], v2.DeviceErrorCodes);
        Assert.Equal(126.0, v2.NominalThs);
        Assert.Equal(124.5, v2.HashrateThs); // "HS RT" when there is no "MHS 5s"
        Assert.Equal(3200, v2.PowerW);
        Assert.Equal([135, 135, 135], v2.Boards.Select(b => b.Chips));
        Assert.Equal("20230803.11.REL", v2.Firmware);
    }

    [Fact]
    public void AvalonQ_SoftOff_IsCurtailed()
    {
        var sample = AvalonParser.Parse(Json("avalonminer/stats.json"), Json("avalonminer/summary.json"), Json("avalonminer/pools.json"), Json("avalonminer/version.json"));

        Assert.Equal("Avalon Q", sample.Model);
        Assert.Equal("Canaan", sample.Vendor);
        Assert.Equal(MiningState.Curtailed, sample.State);
        Assert.Equal(0, sample.HashrateThs);
        Assert.Equal(44.49941, sample.AverageThs);
        Assert.Equal(55.03279, sample.NominalThs);
        Assert.Null(sample.PowerW);
        Assert.Empty(sample.FansRpm); // all four fans at 0 rpm while soft-off
        Assert.Equal(160, sample.Boards.Single().Chips); // one value per chip in PVT_T0
        Assert.Equal("stratum+tcp://pool.example.com:4444", sample.PoolUrl);
    }

    [Fact]
    public void Avalon1246_Mining()
    {
        var sample = AvalonParser.Parse(Json("avalonminer/avalon_a_stats.json"), null, null, null);

        Assert.Equal("Avalon 1246", sample.Model);
        Assert.Equal(MiningState.Mining, sample.State);
        Assert.Equal(81.07268, sample.HashrateThs);
        Assert.Equal(83.92304, sample.NominalThs);
        Assert.Equal(3189, sample.PowerW);
        Assert.Equal([26.90701, 26.02506, 26.72456], sample.Boards.Select(b => b.HashrateThs));
        Assert.Equal([77.0, 77.0, 76.0], sample.Boards.Select(b => b.ChipTempC));
        Assert.Equal([5344, 5392, 5349, 5309], sample.FansRpm);
        Assert.Equal(2735, sample.HardwareErrors);
        Assert.Equal(24684, sample.UptimeSeconds);
    }

    [Fact]
    public void Bitaxe_SystemInfo()
    {
        var sample = BitaxeParser.Parse(Json("bitaxe/v2_0_0/system_info.json"));

        Assert.Equal("Bitaxe Supra", sample.Model); // BM1368
        Assert.Equal(1.0, sample.HashrateThs);
        Assert.Equal(2.65000009536743, sample.PowerW);
        Assert.Equal(59.875, sample.Boards.Single().ChipTempC);
        Assert.Equal(78, sample.Boards.Single().BoardTempC);
        Assert.Equal([3517], sample.FansRpm);
        Assert.Equal("stratum+tcp://btc.example.pool:3333", sample.PoolUrl);
        Assert.Equal(4, sample.UptimeSeconds);
    }

    [Theory]
    [InlineData("antminer/v2020/version.json", MinerFamily.Antminer)]
    [InlineData("luxminer/v1/version.json", MinerFamily.LuxOs)]
    [InlineData("avalonminer/version.json", MinerFamily.Avalon)]
    [InlineData("braiins/v21_09/version.json", MinerFamily.BraiinsOs)]
    public void Family_IsDetectedFromTheVersionReply(string file, MinerFamily family) =>
        Assert.Equal(family, FamilyDetector.FromVersion(Json(file)));

    [Fact]
    public void PoolUser_NeverAppearsInTheSerialisedSample()
    {
        var sample = AntminerParser.Parse(MinerFamily.Antminer, Json("antminer/v2020/stats.json"), null, Json("antminer/v2020/pools.json"), null, null);

        var json = System.Text.Json.JsonSerializer.Serialize(sample, Cli.CliJson.Options);

        Assert.Equal("satokierepair.H04YK", sample.PoolUser);
        Assert.DoesNotContain("satokierepair", json, StringComparison.Ordinal);
        Assert.DoesNotContain("8144d5ca79104814", json, StringComparison.Ordinal); // miner_id
    }
}
