using EdgeFed.Agent.Collectors;
using EdgeFed.Agent.Collectors.Parsing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;
using static EdgeFed.Agent.Tests.Collectors.RealReplies;

namespace EdgeFed.Agent.Tests.Collectors;

/// <summary>The six families added in issue 14, on their real replies in ../shared/data/miner-api, values read off the files.</summary>
public sealed class NewFamilyRealReplyTests
{
    [Fact]
    public void Sealminer_A2()
    {
        var s = SealminerParser.Parse(Json("sealminer/v2025/stats.json"), Json("sealminer/v2025/summary.json"), Json("sealminer/v2025/pools.json"),
            Json("sealminer/v2025/version.json"));

        Assert.Equal(("SEALMINER A2", "Bitdeer", "2025091001"), (s.Model, s.Vendor, s.Firmware));
        Assert.Equal(MiningState.Mining, s.State);
        Assert.Equal(220.377999, s.HashrateThs);
        Assert.Equal(218.701206, s.AverageThs);
        Assert.Equal(221.663472, s.NominalThs);
        Assert.Equal(3504, s.PowerW);
        Assert.Equal([153, 153, 153], s.Boards.Select(b => b.Chips));
        Assert.Equal([0, 0, 0], s.Boards.Select(b => b.DeadChips));
        Assert.Equal([70.0, 70.0, 70.0], s.Boards.Select(b => b.ChipTempC));
        Assert.Equal([55.0, 58.0, 56.0], s.Boards.Select(b => b.BoardTempC));
        Assert.Equal([73.905832, 73.626639, 72.846395], s.Boards.Select(b => b.HashrateThs));
        Assert.Equal([3723, 3723, 3753, 3723], s.FansRpm);
        Assert.Equal((1421L, 3L, 54L), (s.AcceptedShares!.Value, s.RejectedShares!.Value, s.HardwareErrors!.Value));
        Assert.Equal("stratum+tcp://stratum.braiins.com:3333", s.PoolUrl);
        Assert.Equal(2481, s.UptimeSeconds);
    }

    [Fact]
    public void Auradine_AT1500()
    {
        var s = AuradineParser.Parse(new AuradineParser.Replies(Json("auradine/v1/summary.json"),
            Devs: Json("auradine/v1/devs.json"), Temperature: Json("auradine/v1/temperature.json"), Fan: Json("auradine/v1/fan.json"),
            Psu: Json("auradine/v1/psu.json"), IpReport: Json("auradine/v1/ipreport.json"), AscCount: Json("auradine/v1/asccount.json"),
            Mode: Json("auradine/v1/mode.json"), Pools: Json("auradine/v1/pools.json"), Version: Json("auradine/v1/version.json")));

        Assert.Equal(("Auradine AT1500", "Auradine", "FluxOS 2023-12.27"), (s.Model, s.Vendor, s.Firmware));
        Assert.Equal(MiningState.Mining, s.State); // mode.json: Sleep off
        Assert.Equal(20.599767, s.HashrateThs);
        Assert.Equal(7.97063, s.AverageThs);
        Assert.Equal(58.94, s.PowerW); // "PowerIn": "58.94W"
        Assert.Equal([6.8, 6.9, 7.0], s.Boards.Select(b => b.HashrateThs));
        Assert.Equal([132, 132, 132], s.Boards.Select(b => b.Chips)); // asccount: 396 ASICs on 3 boards
        Assert.Equal([45.83, 48.22, 51.41], s.Boards.Select(b => b.ChipTempC));
        Assert.Equal([41.5, 43.0, 47.5], s.Boards.Select(b => b.BoardTempC));
        Assert.Equal([7080, 7020, 7100, 7020], s.FansRpm);
        Assert.Equal("stratum+tcp://btc.viabtc.io:3333", s.PoolUrl);
        Assert.Equal((3310L, 1L), (s.AcceptedShares!.Value, s.RejectedShares!.Value));
        Assert.Equal(56696, s.UptimeSeconds);

        var asleep = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "auradine/v1/mode.json")).Replace("\"off\"", "\"on\"")).RootElement;
        Assert.Equal(MiningState.Curtailed, AuradineParser.Parse(new AuradineParser.Replies(Json("auradine/v1/summary.json"), Mode: asleep)).State);
    }

    [Fact]
    public void Epic_S19XP_WithABoardDisabledOnFailure()
    {
        var s = EpicParser.Parse(Json("epic/v1/summary.json"), Json("epic/v1/capabilities.json"), Json("epic/v1/temps.json"), Json("epic/v1/chip_hashrates.json"));

        Assert.Equal(("Antminer S19 XP", "Bitmain", "PowerPlay-BMS v1.5.13"), (s.Model, s.Vendor, s.Firmware));
        Assert.Equal(MiningState.Mining, s.State);
        Assert.Equal(99.365848, s.HashrateThs); // 49,440,724 + 49,925,124 MH/s on the two enabled boards
        Assert.Equal(90.07199, s.AverageThs);
        Assert.Equal(143, s.NominalThs);
        Assert.Equal(2166.6174, s.PowerW);
        Assert.Equal([0, 1, 2], s.Boards.Select(b => b.Index));
        Assert.Equal([0, 110, 110], s.Boards.Select(b => b.Chips)); // board 0 detected, disabled; every chip of 1 and 2 hashes
        Assert.Equal([null, 0, 0], s.Boards.Select(b => b.DeadChips));
        Assert.Equal([0.0, 49.440724, 49.925124], s.Boards.Select(b => b.HashrateThs));
        Assert.Equal([42.875, 67.0, 64.312], s.Boards.Select(b => b.ChipTempC));
        Assert.Equal([42.312, 55.062, 52.062], s.Boards.Select(b => b.BoardTempC));
        Assert.Equal([5971, 5942, 5745], s.FansRpm); // fan 2 reads 0 rpm
        Assert.Equal("stratum+tcp://mine.ocean.xyz:3334", s.PoolUrl);
        Assert.Equal((1862L, 2L), (s.AcceptedShares!.Value, s.RejectedShares!.Value));
        Assert.Equal(23170, s.UptimeSeconds);
    }

    [Fact]
    public void WhatsminerV3_M60S()
    {
        var s = WhatsminerV3Parser.Parse(Json("whatsminer/v3/get_miner_status_summary.json"), Json("whatsminer/v3/get_device_info.json"),
            Json("whatsminer/v3/get_miner_status_edevs.json"), Json("whatsminer/v3/get_miner_status_pools.json"));

        Assert.Equal(("Whatsminer M60S", "MicroBT", "20251209.16.Rel2"), (s.Model, s.Vendor, s.Firmware));
        Assert.Equal(MiningState.Mining, s.State);
        Assert.Equal(171.259, s.HashrateThs);
        Assert.Equal(170.8, s.AverageThs);
        Assert.Equal(181.051, s.NominalThs);
        Assert.Equal(3156, s.PowerW);
        Assert.Equal([75, 75, 75], s.Boards.Select(b => b.Chips));
        Assert.Equal([0, 0, 0], s.Boards.Select(b => b.DeadChips));
        Assert.Equal([80.0, 82.0, 81.0], s.Boards.Select(b => b.ChipTempC));
        Assert.Equal([41.1, 40.1, 41.5], s.Boards.Select(b => b.BoardTempC));
        Assert.Equal([57.1, 56.8, 56.9], s.Boards.Select(b => b.HashrateThs));
        Assert.Equal([5400, 5280], s.FansRpm);
        Assert.Equal("stratum+tcp://btc.example.pool:3333", s.PoolUrl);
        Assert.Equal(50000, s.UptimeSeconds);
        Assert.Empty(s.DeviceErrorCodes);

        var failing = WhatsminerV3Parser.Parse(Json("whatsminer/v3/get_miner_status_summary.json"), Json("whatsminer/v3/get_device_info_with_errors.json"), null, null);
        Assert.Equal(["264", "265", "266", "267", "270"], failing.DeviceErrorCodes);
    }

    [Fact]
    public void Proto_Rig()
    {
        var s = ProtoParser.Parse(Json("proto/v1/mining.json"), Json("proto/v1/system.json"), Json("proto/v1/hardware.json"), Json("proto/v1/cooling.json"),
            Json("proto/v1/pools.json"));

        Assert.Equal(("Proto Rig", "Proto", "ProtoOS 1.8.0"), (s.Model, s.Vendor, s.Firmware));
        Assert.Equal(MiningState.Mining, s.State);
        Assert.Equal(141.147435, s.HashrateThs);
        Assert.Equal(145, s.NominalThs);
        Assert.Equal(3447.0, s.PowerW);
        Assert.Equal([120, 120, 120, 120], s.Boards.Select(b => b.Chips));
        Assert.All(s.Boards, b => Assert.Equal(71.902682, Math.Round(b.ChipTempC!.Value, 6)));
        Assert.Equal([4346, 4691, 4658, 4443], s.FansRpm);
        Assert.Equal("stratum+tcp://pool-a.example.com:3333", s.PoolUrl);
        Assert.Equal((12345L, 10L, 0L), (s.AcceptedShares!.Value, s.RejectedShares!.Value, s.HardwareErrors!.Value));
        Assert.Equal(28, s.UptimeSeconds);
    }

    public static TheoryData<string, string, double, int, double, int[], double[]> BraiinsCaptures() => new()
    {
        { "v25_07", "Antminer S19 XP", 141.463565, 3137, 142.876598, [5904, 5874, 5874, 5904], [50.137729, 47.859278, 50.36269] },
        { "v25_11", "Antminer S19 XP", 121.015409, 2472, 0, [5879, 5819, 5909, 5909], [44.372605, 41.175047, 38.244629] },
        { "v26_04", "Antminer S21 Pro", 248.186677, 3480, 0, [5943, 5943, 5943, 5973], [83.168431, 86.699326, 84.138263] },
    };

    /// <summary>Each real Braiins OS API capture served over gRPC by Grpc.AspNetCore, read by the collector through Grpc.Net.Client.</summary>
    [Theory]
    [MemberData(nameof(BraiinsCaptures))]
    public async Task BraiinsOsGrpc_ReadOverTheWire(string capture, string model, double ths, int watts, double nominal, int[] fans, double[] boardThs)
    {
        var replies = RealBraiinsReplies.Load(capture);
        var (server, port) = await RealBraiinsApiServer.StartAsync(replies);
        await using var _ = server;
        using var collector = new MinerCollector(Options.Create(new PollOptions()), TimeProvider.System, NullLogger<MinerCollector>.Instance);

        var s = await collector.PollAsync(new MinerEndpoint("127.0.0.1", port, MinerFamily.BraiinsOsGrpc), CancellationToken.None);

        Assert.Empty(s.Errors);
        Assert.Equal((model, "Bitmain", MiningState.Mining), (s.Model, s.Vendor, s.State));
        Assert.Equal("Braiins OS " + replies.Details.BosVersion.Current, s.Firmware);
        Assert.Equal(ths, s.HashrateThs);
        Assert.Equal(watts, s.PowerW);
        if (nominal > 0)
        {
            Assert.Equal(nominal, s.NominalThs);
        }

        Assert.Equal(fans, s.FansRpm);
        Assert.Equal(boardThs, s.Boards.Select(b => b.HashrateThs!.Value));
        Assert.Equal(replies.Hashboards.Hashboards.Select(b => (int?)b.ChipsCount), s.Boards.Select(b => b.Chips));
        Assert.Equal(replies.Hashboards.Hashboards.Select(b => (double?)b.HighestChipTemp.Temperature.DegreeC), s.Boards.Select(b => b.ChipTempC));
        Assert.Equal("stratum+tcp://example.pool.com:3333", s.PoolUrl);
        Assert.Equal((long)replies.Stats.PoolStats.AcceptedShares, s.AcceptedShares);
        Assert.Equal((long)replies.Details.BosminerUptimeS, s.UptimeSeconds);
    }

    [Fact]
    public async Task BraiinsOsGrpc_WrongPassword_IsATypedApiError()
    {
        var (server, port) = await RealBraiinsApiServer.StartAsync(RealBraiinsReplies.Load("v25_07"));
        await using var _ = server;
        using var collector = new MinerCollector(Options.Create(new PollOptions { BraiinsPassword = "wrong" }), TimeProvider.System, NullLogger<MinerCollector>.Instance);

        var s = await collector.PollAsync(new MinerEndpoint("127.0.0.1", port, MinerFamily.BraiinsOsGrpc), CancellationToken.None);

        Assert.Equal(MiningState.Unreachable, s.State);
        var error = Assert.Single(s.Errors);
        Assert.Equal((PollErrorKind.ApiError, "GetMinerDetails"), (error.Kind, error.Command));
        Assert.Contains("Unauthenticated", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, double, double, int, int[], int[], string, long> GraphqlCaptures() => new()
    {
        { "v21_09", "2022-09-13-0-11012d53-22.08-plus", 7.160209, 7.242403, 735, [63, 63, 63], [4080, 5580], "stratum+tcp://btc1.example.pool:3333", 49 },
        { "v24_09", "2024-10-17-0-75912fc7-24.09-plus", 230.700949, 239.313548, 3572, [65, 65, 65], [6414, 6414, 6354, 6324], "stratum+tcp://example.pool.com:3333", 111406 },
        { "v25_03", "2025-04-07-0-424f9a7f-25.03-plus", 251.235331, 259.190439, 4448, [55, 55, 55], [6418, 6448, 6328, 5998], "stratum+tcp://example.pool.com:3333", 10781 },
        { "v25_05", "2025-06-25-0-45f356ea-25.05.1-plus", 205.749606, 216.722442, 3698, [55, 55, 55], [6421, 6391, 6061, 6331], "stratum+tcp://example.pool.com:3333", 92899 },
    };

    /// <summary>Braiins OS's GraphQL captures (BOS 21.09 to 25.05), every file of each read with values.</summary>
    [Theory]
    [MemberData(nameof(GraphqlCaptures))]
    public void BraiinsOsGraphql_Captures(string capture, string version, double ths, double nominal, int watts, int[] chips, int[] fans, string pool, long accepted)
    {
        var s = BraiinsGraphqlParser.Parse(Json($"braiins/{capture}/gql_system.json"), Json($"braiins/{capture}/gql_boards.json"), Json($"braiins/{capture}/gql_pools.json"));

        Assert.Equal((MinerFamily.BraiinsOsGraphql, "Bitmain", "Braiins OS " + version, MiningState.Mining), (s.Family, s.Vendor, s.Firmware, s.State));
        Assert.Null(s.Model); // the GraphQL API names no model
        Assert.Equal(ths, s.HashrateThs);
        Assert.Equal(nominal, s.NominalThs);
        Assert.Equal(watts, s.PowerW);
        Assert.Equal(chips, s.Boards.Select(b => b.Chips!.Value));
        Assert.All(s.Boards, b => Assert.True(b.ChipTempC > b.BoardTempC, $"chip {b.ChipTempC} board {b.BoardTempC}"));
        Assert.Equal(fans, s.FansRpm);
        Assert.Equal(pool, s.PoolUrl);
        Assert.Equal(accepted, s.AcceptedShares);
        Assert.True(s.UptimeSeconds > 0);
    }

    [Fact]
    public async Task BraiinsOsGrpc_ARefusedEndpoint_IsTyped_AndKeepsNoChannel()
    {
        using var client = new Agent.Collectors.Braiins.BraiinsApiClient("root", "root");
        var port = FreePort();

        var ex = await Assert.ThrowsAsync<PollException>(() => client.CallAsync(new MinerEndpoint("127.0.0.1", port), TimeSpan.FromSeconds(2),
            (i, o) => new Agent.Collectors.Braiins.V1.MinerService.MinerServiceClient(i).GetMinerDetailsAsync(new(), o).ResponseAsync, CancellationToken.None));

        Assert.Equal(PollErrorKind.ConnectionRefused, ex.Kind);
        Assert.Equal(0, client.Channels);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
