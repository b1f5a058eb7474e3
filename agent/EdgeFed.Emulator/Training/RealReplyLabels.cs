using EdgeFed.Agent.Collectors;
using EdgeFed.Agent.Features;

namespace EdgeFed.Emulator.Training;

/// <summary>
/// A real capture from <c>data/miner-api</c> with the labels EdgeFed assigns it. Health and model are null where
/// the capture does not settle them; the reason is stated, and the model cards repeat it.
/// </summary>
public sealed record RealReply(
    string Name, MinerFamily Family, string Stats, string? Summary, string? Pools, string? Health, string? Model, string Vendor, string Why,
    IReadOnlyDictionary<string, string>? Extra = null);

/// <summary>The labelled real replies: the evaluation set on real hardware (too small to train on).</summary>
public static class RealReplyLabels
{
    public static IReadOnlyList<RealReply> All { get; } =
    [
        new("antminer-s19pro", MinerFamily.Antminer, "antminer/v2020/stats.json", "antminer/v2020/summary.json", "antminer/v2020/pools.json",
            "healthy", "Antminer S19 Pro", "Bitmain",
            "110.6 TH/s against 110 nominal, 114 chips on each of 3 boards, chips 69-78 °C, four fans 5040-6000 rpm."),
        new("luxos-s19kpro", MinerFamily.LuxOs, "luxminer/v1/stats.json", "luxminer/v1/summary.json", "luxminer/v1/pools.json",
            "healthy", "Antminer S19k Pro", "Bitmain",
            "An autotuned profile: 59.8 TH/s against its own 62.0 nominal, 77 of 77 chips per board, 1051 W."),
        new("whatsminer-v1", MinerFamily.Whatsminer, "whatsminer/v1/devs.json", "whatsminer/v1/summary.json", "whatsminer/v1/pools.json",
            "healthy", null, "MicroBT",
            "70.7 TH/s against 68.8 factory, no error codes, chips at 90 °C (within MicroBT's range). The replies do not name the model."),
        new("whatsminer-v2", MinerFamily.Whatsminer, "whatsminer/v2/devs.json", "whatsminer/v2/summary.json", "whatsminer/v2/pools.json",
            "healthy", null, "MicroBT",
            "124.5 TH/s against 126 factory, empty get_error_code. The replies do not name the model (135 chips per board fits an M50S, but that is our inference, not a label)."),
        new("avalon-1246", MinerFamily.Avalon, "avalonminer/avalon_a_stats.json", null, null,
            "healthy", "Avalon 1246", "Canaan",
            "81.1 TH/s against 83.9 nominal, three boards within 3 % of each other, 76-77 °C, fans ~5300 rpm."),
        new("avalon-q-softoff", MinerFamily.Avalon, "avalonminer/stats.json", "avalonminer/summary.json", "avalonminer/pools.json",
            "curtailed", null, "Canaan",
            "Soft-off (SoftOFF in the stats, 0 TH/s, fans stopped): curtailed by the operator. Avalon Q is not in the model catalogue."),
        new("bitaxe-supra", MinerFamily.Bitaxe, "bitaxe/v2_0_0/system_info.json", null, null,
            "healthy", "Bitaxe Supra", "Bitaxe/open-source",
            "BM1368 ASIC (a Supra), 1.0 TH/s four seconds after boot; the reported 2.65 W is implausibly low for the board, so power is not trusted here."),
        new("sealminer-a2", MinerFamily.Sealminer, "sealminer/v2025/stats.json", "sealminer/v2025/summary.json", "sealminer/v2025/pools.json",
            "healthy", "SEALMINER A2", "Bitdeer",
            "220.4 TH/s against 221.7 ideal, 153 of 153 chips on each of 3 boards (0 bad), chips 70 °C, four fans ~3700 rpm.",
            new Dictionary<string, string> { ["version"] = "sealminer/v2025/version.json" }),
        new("whatsminer-v3-m60s", MinerFamily.WhatsminerV3, "whatsminer/v3/get_miner_status_summary.json", null, "whatsminer/v3/get_miner_status_pools.json",
            "healthy", "Whatsminer M60S", "MicroBT",
            "171.3 TH/s against 181.1 factory (95 %), 75 effective chips on each board, chips 80-82 °C, no error codes in get.device.info.",
            new Dictionary<string, string> { ["deviceinfo"] = "whatsminer/v3/get_device_info.json", ["edevs"] = "whatsminer/v3/get_miner_status_edevs.json" }),
        .. new[] { ("v25_07", "Antminer S19 XP", "141.5 TH/s against its tuned 142.9 nominal"), ("v25_11", "Antminer S19 XP", "121.0 TH/s against its tuned 120.0 nominal"),
                ("v26_04", "Antminer S21 Pro", "248.2 TH/s against its tuned 252.6 nominal") }
            .Select(c => new RealReply($"braiins-grpc-{c.Item1}", MinerFamily.BraiinsOsGrpc, $"braiins/{c.Item1}/miner_stats.json", null, $"braiins/{c.Item1}/pools.json",
                "healthy", c.Item2, "Bitmain", $"{c.Item3}, status NORMAL, every board enabled with its full chip count, chips below 72 °C, four fans ~5900 rpm.",
                new Dictionary<string, string>
                {
                    ["details"] = $"braiins/{c.Item1}/miner_details.json", ["hashboards"] = $"braiins/{c.Item1}/miner_hw_hashboards.json",
                    ["cooling"] = $"braiins/{c.Item1}/cooling_state.json",
                })),
        .. new[]
        {
            ("v21_09", "7.16 TH/s against 7.24 nominal on three 63-chip chains (an S9-class unit, not in the catalogue), chips 80-89 °C, its two fans ~4000-5600 rpm"),
            ("v24_09", "230.7 TH/s against 239.3 nominal, 65 chips on each of 3 chains, four fans ~6400 rpm"),
            ("v25_03", "251.2 TH/s against 259.2 nominal, 55 chips on each of 3 chains, four fans 6000-6450 rpm"),
            ("v25_05", "205.7 TH/s against 216.7 nominal (95 %), 55 chips on each of 3 chains, chips 66-67 °C, four fans ~6300 rpm"),
        }.Select(c => new RealReply($"braiins-graphql-{c.Item1}", MinerFamily.BraiinsOsGraphql, $"braiins/{c.Item1}/gql_system.json", null, $"braiins/{c.Item1}/gql_pools.json",
            "healthy", null, "Bitmain", c.Item2 + ". The GraphQL API names no model.",
            new Dictionary<string, string> { ["boards"] = $"braiins/{c.Item1}/gql_boards.json" })),
        new("epic-s19xp", MinerFamily.Epic, "epic/v1/summary.json", null, null,
            null, "Antminer S19 XP", "Bitmain",
            "Two faults at once: board 0 detected but disabled (ePIC disables a board on failure) and fan 2 at 0 rpm while the others run ~5900. No single health class fits, so it is not scored for health.",
            new Dictionary<string, string> { ["capabilities"] = "epic/v1/capabilities.json", ["temps"] = "epic/v1/temps.json", ["hashrate"] = "epic/v1/chip_hashrates.json" }),
        new("auradine-at1500", MinerFamily.Auradine, "auradine/v1/summary.json", null, "auradine/v1/pools.json",
            null, "Auradine AT1500", "Auradine",
            "20.6 TH/s (5 s) against an average of 8.0 with boards at 28-30 °C: a unit ramping up or held in a low-power mode; the files come from captures of different dates (2022-2024), so the state cannot be read from them.",
            new Dictionary<string, string>
            {
                ["devs"] = "auradine/v1/devs.json", ["temperature"] = "auradine/v1/temperature.json", ["fan"] = "auradine/v1/fan.json", ["psu"] = "auradine/v1/psu.json",
                ["ipreport"] = "auradine/v1/ipreport.json", ["asccount"] = "auradine/v1/asccount.json", ["mode"] = "auradine/v1/mode.json", ["version"] = "auradine/v1/version.json",
            }),
        new("proto-rig", MinerFamily.Proto, "proto/v1/mining.json", null, "proto/v1/pools.json",
            "healthy", "Proto Rig", "Proto",
            "141.1 TH/s against 145 ideal, 4 of 4 boards mining, ASICs 72 °C on average, four fans ~4500 rpm. Its serial numbers read PROTO-SIM: it may be Proto's own simulator.",
            new Dictionary<string, string> { ["system"] = "proto/v1/system.json", ["hardware"] = "proto/v1/hardware.json", ["cooling"] = "proto/v1/cooling.json" }),
    ];

    public static MinerSample Sample(RealReply reply, string minerApiRoot)
    {
        string? At(string? relative) => relative is null ? null : Path.Combine(minerApiRoot, relative);
        return ReplyFiles.Parse(reply.Family, At(reply.Stats)!, At(reply.Summary), At(reply.Pools),
            reply.Extra?.ToDictionary(kv => kv.Key, kv => At(kv.Value)!))[0];
    }
}
