using EdgeFed.Aggregator.Storage;

namespace EdgeFed.Aggregator.Concentration;

/// <summary>
/// Every block the node agents reported, merged by hash (<see cref="BlockMerger"/>), kept in memory in height order
/// and merged again only when a new sighting has been stored: the HTTP views read ranges of it many times a second,
/// and merging a few hundred thousand sightings per request would dominate their cost.
/// </summary>
public sealed class BlockSource(ReportStore store)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (long Version, IReadOnlyList<MergedBlock> Blocks) _cached = (-1, []);

    public async Task<IReadOnlyList<MergedBlock>> AllAsync(CancellationToken cancellationToken)
    {
        var version = (await store.VersionAsync(cancellationToken)).Sightings;
        if (_cached.Version == version)
        {
            return _cached.Blocks;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_cached.Version != version)
            {
                _cached = (version, BlockMerger.Merge(await store.BlockSightingsAsync(long.MinValue, long.MaxValue, cancellationToken)));
            }

            return _cached.Blocks;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The merged blocks with a time in [from, to), in height order.</summary>
    public async Task<IReadOnlyList<MergedBlock>> RangeAsync(long from, long to, CancellationToken cancellationToken)
    {
        var all = await AllAsync(cancellationToken);
        return from <= 0 && to == long.MaxValue ? all : all.Where(b => b.Time >= from && b.Time < to).ToList();
    }
}
