using EdgeFed.Agent.Collectors;

namespace EdgeFed.Agent.Features;

/// <summary>
/// The features of one miner over a short window of consecutive samples (oldest first). One code path for
/// training-data generation and for inference. Missing values are -1 (the trees learn to route them).
/// </summary>
public static class MinerFeatures
{
    public const int WindowSize = 6;
    public const float Missing = -1f;

    /// <summary>Names and units, in column order; the model card lists them.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "hashrate_ratio_mean",        // mean TH/s / nominal TH/s
        "hashrate_ratio_min",         // min over the window
        "hashrate_ratio_trend",       // (last - first) / nominal
        "chip_temp_max_c",            // hottest chip, last sample, °C
        "chip_temp_trend_c",          // change of the hottest chip over the window, °C
        "board_temp_max_c",           // hottest board, last sample, °C
        "dead_chip_fraction",         // (expected - found) / expected chips, last sample
        "worst_board_ratio",          // weakest board TH/s / mean board TH/s, last sample
        "fans_reporting_fraction",    // fans reporting rpm / fans the model has
        "fan_rpm_min_ratio",          // slowest reporting fan / fastest (a failing fan slows against its siblings)
        "watts_per_th",               // W per TH/s, last sample
        "unreachable_fraction",       // share of the window that did not answer
        "curtailed_fraction",         // share of the window the firmware reported curtailed
        "zero_hashrate_fraction",     // share of the window with 0 TH/s
        "errors_per_poll",            // mean poll errors per sample
        "family_code",                // firmware family (MinerFamily as a number): normal temperatures differ by maker
    ];

    public static float[] Of(IReadOnlyList<MinerSample> window) => window.Count == 0
        ? throw new ArgumentException("A window needs at least one sample.", nameof(window))
        : Of(window.Select(PollSummary.Of).ToArray(), window[^1]);

    public static float[] Of(MinerWindow window)
    {
        var polls = new PollSummary[window.Count];
        for (var i = 0; i < polls.Length; i++)
        {
            polls[i] = window[i];
        }

        return Of(polls, window.Latest);
    }

    /// <summary>The features of a window's polls, oldest first; <paramref name="last"/> is the sample of the last one.</summary>
    private static float[] Of(PollSummary[] window, MinerSample last)
    {
        if (window.Length == 0)
        {
            throw new ArgumentException("A window needs at least one sample.", nameof(window));
        }

        var nominal = window.Select(s => s.NominalThs).LastOrDefault(n => n > 0);
        var ratios = window.Select(s => nominal > 0 && s.HashrateThs is { } h ? h / nominal.Value : (double?)null).ToList();
        var present = ratios.OfType<double>().ToList();
        var hottest = window.Select(s => s.HottestChipC).ToList();
        var boards = last.Boards.Where(b => b.HashrateThs is not null).ToList();
        var expectedChips = last.Boards.Sum(b => b.ExpectedChips ?? 0);
        var foundChips = last.Boards.Sum(b => b.Chips ?? 0);
        var modelFans = (ModelCatalog.Find(last.Model) ?? ModelCatalog.BySignature(last.Boards))?.Fans ?? ModelCatalog.TypicalFans(last.Family);

        return
        [
            F(present.Count > 0 ? present.Average() : null),
            F(present.Count > 0 ? present.Min() : null),
            F(ratios[0] is { } first && ratios[^1] is { } end ? end - first : null),
            F(hottest[^1]),
            F(hottest[0] is { } t0 && hottest[^1] is { } t1 ? t1 - t0 : null),
            F(last.Boards.Select(b => b.BoardTempC).Max()),
            F(expectedChips > 0 ? (double)(expectedChips - foundChips) / expectedChips : null),
            F(boards.Count > 1 && boards.Average(b => b.HashrateThs!.Value) > 0 ? boards.Min(b => b.HashrateThs!.Value) / boards.Average(b => b.HashrateThs!.Value) : null),
            F(modelFans > 0 && last.State != MiningState.Unreachable ? (double)last.FansRpm.Count / modelFans.Value : null),
            F(last.FansRpm.Count > 0 && last.FansRpm.Max() > 0 ? (double)last.FansRpm.Min() / last.FansRpm.Max() : null),
            F(last.PowerW is { } w && last.HashrateThs is > 0 ? w / last.HashrateThs.Value : null),
            F(window.Count(s => s.State == MiningState.Unreachable) / (double)window.Length),
            F(window.Count(s => s.State == MiningState.Curtailed) / (double)window.Length),
            F(window.Count(s => s.HashrateThs == 0) / (double)window.Length),
            F(window.Average(s => (double)s.ErrorCount)),
            (float)last.Family,
        ];
    }

    private static float F(double? value) => value is { } v && double.IsFinite(v) ? (float)v : Missing;
}
