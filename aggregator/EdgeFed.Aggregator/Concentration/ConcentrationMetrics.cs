namespace EdgeFed.Aggregator.Concentration;

/// <summary>One entity's value (TH/s or blocks) and its share of the total.</summary>
public sealed record EntityShare(string Entity, double Value, double Share);

/// <summary>A 95 % interval.</summary>
public sealed record Interval(double Low, double High);

/// <summary>
/// Concentration of one distribution (definitions in DESIGN.md, "Concentration metrics"). Entropies are in bits;
/// Theil uses natural logs. Intervals are set for count data (blocks) only.
/// </summary>
public sealed record ConcentrationSummary(
    IReadOnlyList<EntityShare> Shares, double Total, double Cr1, double Cr2, double Cr4, double Cr6, double Hhi,
    double EffectiveEntities, int NakamotoCoefficient, int Tau66, double Gini, double Entropy, double Renyi0, double Renyi2, double RenyiInfinity,
    double Theil, string HhiBand2010, bool HighlyConcentrated2023, ShareIntervals? Intervals)
{
    public static ConcentrationSummary Empty { get; } = ConcentrationMetrics.Summarise([]);
}

/// <summary>Wilson score intervals of the top-n shares and a delta-method interval of the HHI (block counts).</summary>
public sealed record ShareIntervals(Interval Top1, Interval Top2, Interval Top4, Interval Top6, Interval Hhi);

/// <summary>Pure functions over entity values: no I/O, so they test against reference figures directly.</summary>
public static class ConcentrationMetrics
{
    public const double DefaultTau = 0.66;
    private const double Z95 = 1.959963984540054;

    /// <param name="values">Entity → value; zero and negative values are ignored.</param>
    /// <param name="counts">True when the values are counts (blocks): intervals are computed from them.</param>
    public static ConcentrationSummary Summarise(IEnumerable<KeyValuePair<string, double>> values, bool counts = false, double tau = DefaultTau)
    {
        var positive = values.Where(v => v.Value > 0).ToList();
        var total = positive.Sum(v => v.Value);
        var shares = positive
            .Select(v => new EntityShare(v.Key, v.Value, total > 0 ? v.Value / total : 0))
            .OrderByDescending(s => s.Share).ThenBy(s => s.Entity, StringComparer.Ordinal)
            .ToList();
        var hhi = shares.Sum(s => Math.Pow(100 * s.Share, 2));
        var entropy = -shares.Sum(s => s.Share * Math.Log2(s.Share));
        var n = shares.Count;
        return new ConcentrationSummary(
            shares, total, TopShare(shares, 1), TopShare(shares, 2), TopShare(shares, 4), TopShare(shares, 6),
            hhi, hhi > 0 ? 10_000 / hhi : 0, Nakamoto(shares, 0.5), Nakamoto(shares, tau), Gini(shares), entropy,
            n > 0 ? Math.Log2(n) : 0, hhi > 0 ? -Math.Log2(hhi / 10_000) : 0, n > 0 ? -Math.Log2(shares[0].Share) : 0,
            n > 0 ? Math.Log(n) - entropy * Math.Log(2) : 0, Band2010(hhi), hhi > 1800,
            counts && total > 0 ? Intervals(shares, total) : null);
    }

    /// <summary>CR-n: the summed share of the n largest entities.</summary>
    public static double TopShare(IReadOnlyList<EntityShare> descending, int n) => descending.Take(n).Sum(s => s.Share);

    /// <summary>The fewest entities whose shares sum to more than <paramref name="threshold"/> (0 for no entity).</summary>
    public static int Nakamoto(IReadOnlyList<EntityShare> descending, double threshold)
    {
        var sum = 0.0;
        for (var i = 0; i < descending.Count; i++)
        {
            sum += descending[i].Share;
            if (sum > threshold + 1e-12)
            {
                return i + 1;
            }
        }

        return descending.Count;
    }

    /// <summary>Σ_i (2i − N − 1)·x_i / (N·Σx) over the N entities with a positive value, x ascending, i from 1.</summary>
    public static double Gini(IReadOnlyList<EntityShare> shares)
    {
        var n = shares.Count;
        if (n == 0)
        {
            return 0;
        }

        var ascending = shares.Select(s => s.Value).Order().ToList();
        var sum = ascending.Sum();
        return ascending.Select((x, i) => (2.0 * (i + 1) - n - 1) * x).Sum() / (n * sum);
    }

    /// <summary>The 2010 US horizontal merger guidelines: below 1500 unconcentrated, 1500–2500 moderate, above 2500 high.</summary>
    public static string Band2010(double hhi) => hhi switch
    {
        < 1500 => "unconcentrated",
        <= 2500 => "moderately concentrated",
        _ => "highly concentrated",
    };

    private static ShareIntervals Intervals(IReadOnlyList<EntityShare> shares, double n)
    {
        // HHI = 10^4 Σ p², and by the delta method Var(Σ p̂²) ≈ 4/n · (Σ p³ − (Σ p²)²) for multinomial counts.
        var p2 = shares.Sum(s => s.Share * s.Share);
        var p3 = shares.Sum(s => s.Share * s.Share * s.Share);
        var se = 10_000 * Math.Sqrt(Math.Max(0, 4 / n * (p3 - p2 * p2)));
        var hhi = 10_000 * p2;
        return new ShareIntervals(
            Wilson(TopShare(shares, 1), n), Wilson(TopShare(shares, 2), n), Wilson(TopShare(shares, 4), n), Wilson(TopShare(shares, 6), n),
            new Interval(Math.Max(0, hhi - Z95 * se), Math.Min(10_000, hhi + Z95 * se)));
    }

    /// <summary>The Wilson score interval of a proportion <paramref name="p"/> observed over <paramref name="n"/> trials.</summary>
    public static Interval Wilson(double p, double n)
    {
        var z2 = Z95 * Z95;
        var centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        var half = Z95 * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
        return new Interval(Math.Max(0, centre - half), Math.Min(1, centre + half));
    }
}
