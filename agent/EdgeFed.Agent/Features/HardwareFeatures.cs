using EdgeFed.Agent.Collectors;

namespace EdgeFed.Agent.Features;

/// <summary>
/// The performance signature of one miner for the miner-model classifier: what the hardware does, never what the
/// firmware calls it (no model, vendor or family name). One code path for training and inference; -1 = missing.
/// </summary>
public static class HardwareFeatures
{
    public static IReadOnlyList<string> Names { get; } =
    [
        "nominal_ths",          // the firmware's nominal (ideal) hashrate, TH/s
        "hashrate_ths",         // average hashrate, TH/s (current when no average)
        "power_w",              // reported power, W
        "watts_per_th",         // W per TH/s
        "boards",               // hashboards reported
        "chips_max_board",      // most chips found on one board
        "chips_total",          // chips found on all boards
        "fans",                 // fans reporting rpm
        "fan_rpm_mean",         // mean rpm of reporting fans
        "ghs_per_chip",         // hashrate per chip found, GH/s
        "chip_temp_max_c",      // hottest chip, °C
    ];

    public static float[] Of(MinerSample sample)
    {
        var hashrate = sample.AverageThs is > 0 ? sample.AverageThs : sample.HashrateThs;
        var chipsMax = sample.Boards.Select(b => b.Chips).Max();
        var chipsTotal = sample.Boards.Sum(b => b.Chips ?? 0);
        return
        [
            F(sample.NominalThs),
            F(hashrate),
            F(sample.PowerW),
            F(sample.PowerW is { } w && hashrate is > 0 ? w / hashrate.Value : null),
            F(sample.Boards.Count > 0 ? sample.Boards.Count : null),
            F(chipsMax),
            F(chipsTotal > 0 ? chipsTotal : null),
            F(sample.FansRpm.Count > 0 ? sample.FansRpm.Count : null),
            F(sample.FansRpm.Count > 0 ? sample.FansRpm.Average() : null),
            F(chipsTotal > 0 && hashrate is > 0 ? hashrate.Value * 1000 / chipsTotal : null),
            F(sample.Boards.Select(b => b.ChipTempC).Max()),
        ];
    }

    internal static float F(double? value) => value is { } v && double.IsFinite(v) ? (float)v : MinerFeatures.Missing;
}
