namespace EdgeFed.Aggregator.Storage;

/// <summary>One piece of a range: windows starting in [From, To), read from the roll-up of <see cref="Level"/> seconds, or raw (level 0).</summary>
public readonly record struct RollupSegment(long Level, long From, long To);

/// <summary>
/// Splits a range into the coarsest roll-up buckets that fit inside it, finer ones toward its edges, and raw cells for
/// what is left at either end (pure). The roll-ups hold only the reports up to their watermark, so each roll-up segment
/// is completed from raw cells of the reports after it; see <see cref="CellSource"/>.
/// </summary>
public static class RollupPlan
{
    /// <summary>The roll-up levels, coarsest first: a day, an hour, ten minutes.</summary>
    public static readonly long[] Levels = [86_400, 3_600, 600];

    /// <param name="finest">Use only levels at least this fine-grained: a series of hourly buckets cannot read day roll-ups.</param>
    public static IReadOnlyList<RollupSegment> For(long from, long to, long coarsest = long.MaxValue)
    {
        var segments = new List<RollupSegment>();
        Split(from, to, Levels.Where(l => l <= coarsest).ToArray(), segments);
        return segments;
    }

    private static void Split(long from, long to, ReadOnlySpan<long> levels, List<RollupSegment> segments)
    {
        if (from >= to)
        {
            return;
        }

        if (levels.IsEmpty)
        {
            segments.Add(new RollupSegment(0, from, to));
            return;
        }

        var level = levels[0];
        var (start, end) = (CeilTo(from, level), FloorTo(to, level));
        if (start >= end)
        {
            Split(from, to, levels[1..], segments);
            return;
        }

        Split(from, start, levels[1..], segments);
        segments.Add(new RollupSegment(level, start, end));
        Split(end, to, levels[1..], segments);
    }

    private static long FloorTo(long value, long step) => value >= 0 ? value / step * step : -((-value + step - 1) / step * step);

    private static long CeilTo(long value, long step) => value > long.MaxValue - step ? FloorTo(value, step) : -FloorTo(-value, step);
}
