namespace EdgeFed.Aggregator.Concentration;

/// <summary>Consecutive blocks by one pool: the pool, how many, the first and last heights and their times, the hashes.</summary>
public sealed record BlockRun(string Pool, int Length, long FirstHeight, long LastHeight, long FirstTime, long LastTime, IReadOnlyList<string> Hashes)
{
    /// <summary>
    /// How likely a run this long is for a pool holding <paramref name="share"/> of the blocks: p^L that L given blocks
    /// are all its, and the chance of at least one such run somewhere in <paramref name="blocks"/> blocks, about
    /// 1 − exp(−(n − L + 1)(1 − p)p^L) (runs start after another pool's block; a Poisson count of starts).
    /// </summary>
    public (double ExactRun, double AnywhereInWindow) Probability(double share, int blocks)
    {
        var p = Math.Clamp(share, 0, 1);
        var exact = Math.Pow(p, Length);
        var starts = Math.Max(1, blocks - Length + 1);
        return (exact, 1 - Math.Exp(-starts * (1 - p) * exact - exact));
    }
}

/// <summary>Runs of consecutive heights mined by one known pool ("unknown" is not one pool, so it makes no run).</summary>
public static class BlockRuns
{
    public static IEnumerable<BlockRun> Find(IReadOnlyList<MergedBlock> byHeight, int minLength)
    {
        var start = 0;
        for (var i = 1; i <= byHeight.Count; i++)
        {
            if (i < byHeight.Count && byHeight[i].Pool == byHeight[start].Pool && byHeight[i].Height == byHeight[i - 1].Height + 1)
            {
                continue;
            }

            var length = i - start;
            if (length >= minLength && byHeight[start].Pool != "unknown")
            {
                var run = byHeight.Skip(start).Take(length).ToList();
                yield return new BlockRun(run[0].Pool, length, run[0].Height, run[^1].Height, run[0].Time, run[^1].Time, run.Select(b => b.Hash).ToList());
            }

            start = i;
        }
    }
}
