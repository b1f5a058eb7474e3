namespace EdgeFed.Aggregator.Concentration;

/// <summary>One entity's value (TH/s or blocks) and its share of the total.</summary>
public sealed record EntityShare(string Entity, double Value, double Share);

/// <summary>Concentration of one distribution (definitions in DESIGN.md, "Concentration metrics").</summary>
public sealed record ConcentrationSummary(
    IReadOnlyList<EntityShare> Shares, double Total, double Cr1, double Cr2, double Cr4, double Cr6, double Hhi,
    double EffectiveEntities, int NakamotoCoefficient);

/// <summary>Pure functions over entity values: no I/O, so they test against reference figures directly.</summary>
public static class ConcentrationMetrics
{
    public static ConcentrationSummary Summarise(IEnumerable<KeyValuePair<string, double>> values)
    {
        var positive = values.Where(v => v.Value > 0).ToList();
        var total = positive.Sum(v => v.Value);
        var shares = positive
            .Select(v => new EntityShare(v.Key, v.Value, total > 0 ? v.Value / total : 0))
            .OrderByDescending(s => s.Share).ThenBy(s => s.Entity, StringComparer.Ordinal)
            .ToList();
        var hhi = shares.Sum(s => Math.Pow(100 * s.Share, 2));
        return new ConcentrationSummary(
            shares, total, TopShare(shares, 1), TopShare(shares, 2), TopShare(shares, 4), TopShare(shares, 6),
            hhi, hhi > 0 ? 10_000 / hhi : 0, Nakamoto(shares, 0.5));
    }

    /// <summary>CR-n: the summed share of the n largest entities.</summary>
    public static double TopShare(IReadOnlyList<EntityShare> descending, int n) => descending.Take(n).Sum(s => s.Share);

    /// <summary>The fewest entities whose shares sum to more than <paramref name="threshold"/>.</summary>
    public static int Nakamoto(IReadOnlyList<EntityShare> descending, double threshold)
    {
        var sum = 0.0;
        for (var i = 0; i < descending.Count; i++)
        {
            sum += descending[i].Share;
            if (sum > threshold)
            {
                return i + 1;
            }
        }

        return descending.Count;
    }
}
