using EdgeFed.Agent.Collectors;
using EdgeFed.Agent.Features;

namespace EdgeFed.Emulator.Training;

/// <summary>
/// A real capture from <c>data/miner-api</c> with the labels EdgeFed assigns it. Health and model are null where
/// the capture does not settle them; the reason is stated, and the model cards repeat it.
/// </summary>
public sealed record RealReply(string Name, MinerFamily Family, string Stats, string? Summary, string? Pools, string? Health, string? Model, string Vendor, string Why);

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
    ];

    public static MinerSample Sample(RealReply reply, string minerApiRoot)
    {
        string? At(string? relative) => relative is null ? null : Path.Combine(minerApiRoot, relative);
        return ReplyFiles.Parse(reply.Family, At(reply.Stats)!, At(reply.Summary), At(reply.Pools))[0];
    }
}
