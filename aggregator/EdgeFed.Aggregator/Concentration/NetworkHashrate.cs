namespace EdgeFed.Aggregator.Concentration;

/// <summary>
/// The network's hashrate estimated from blocks alone, as Bitcoin Core's <c>getnetworkhashps</c> does: the work of the
/// blocks after the first (difficulty × 2³² hashes each) over the time from the first block to the last. Blocks
/// without a difficulty or a time are left out.
/// </summary>
public static class NetworkHashrate
{
    public const double HashesPerDifficulty = 4294967296.0;

    /// <returns>H/s; 0 when fewer than two usable blocks or no time passed between them.</returns>
    public static double Estimate(IEnumerable<MergedBlock> blocks)
    {
        var usable = blocks.Where(b => b.Difficulty > 0 && b.Time > 0).OrderBy(b => b.Height).ToList();
        if (usable.Count < 2)
        {
            return 0;
        }

        var span = usable.Max(b => b.Time) - usable.Min(b => b.Time);
        return span > 0 ? usable.Skip(1).Sum(b => b.Difficulty) * HashesPerDifficulty / span : 0;
    }
}
