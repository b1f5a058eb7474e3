namespace EdgeFed.Aggregator.Concentration;

/// <summary>One node agent's view of one block.</summary>
public sealed record BlockSighting(string Hash, long Height, string Pool, string Method, long Time, string Agent, double Difficulty = 0, int TxCount = 0);

/// <summary>A block as the network counts it: once, whatever number of agents saw it.</summary>
public sealed record MergedBlock(string Hash, long Height, string Pool, string Method, long Time, int Observers, bool Disputed, double Difficulty = 0, int TxCount = 0)
{
    /// <summary>A block with only its coinbase (mempool.space's <c>emptyBlocks</c>).</summary>
    public bool Empty => TxCount == 1;
}

/// <summary>
/// Merges sightings of the same block hash from many node agents. The attribution with the strongest rule wins
/// (address, then tag, then model, then unknown); among sightings of that rule the majority pool wins, ties to the
/// name first in ordinal order. A block whose sightings name different pools is marked disputed (and reported).
/// </summary>
public static class BlockMerger
{
    public static IReadOnlyList<MergedBlock> Merge(IEnumerable<BlockSighting> sightings) =>
        sightings.GroupBy(s => s.Hash, StringComparer.Ordinal).Select(block =>
        {
            var best = block.Min(s => Rank(s.Method));
            var winner = block.Where(s => Rank(s.Method) == best)
                .GroupBy(s => s.Pool, StringComparer.Ordinal)
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                .First();
            var first = winner.First();
            return new MergedBlock(block.Key, first.Height, winner.Key, first.Method, block.Min(s => s.Time), block.Select(s => s.Agent).Distinct().Count(),
                block.Select(s => s.Pool).Distinct(StringComparer.Ordinal).Count() > 1,
                block.Max(s => s.Difficulty), block.Max(s => s.TxCount));
        }).OrderBy(b => b.Height).ThenBy(b => b.Hash, StringComparer.Ordinal).ToList();

    /// <summary>How strong an attribution rule is: lower wins.</summary>
    public static int Rank(string method) => method switch
    {
        "address" => 0,
        "tag" => 1,
        "model" => 2,
        _ => 3,
    };
}
