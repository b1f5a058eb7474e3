using EdgeFed.Protocol.Domain;
using Microsoft.Extensions.Options;

namespace EdgeFed.Aggregator.Http;

/// <summary>
/// Pool names, links and ids for the slugs agents report, from the catalogue in <c>Aggregator:CatalogPath</c> (the
/// agents' own, e.g. ../shared/data/pools/pool-list.json); without one a pool is known by its slug alone.
/// </summary>
public sealed class PoolDirectory
{
    private readonly Dictionary<string, PoolEntry> _bySlug = new(StringComparer.OrdinalIgnoreCase);

    public PoolDirectory(IOptions<AggregatorOptions> options)
    {
        if (options.Value.CatalogPath is { Length: > 0 } path)
        {
            foreach (var pool in PoolList.Read(path))
            {
                _bySlug.TryAdd(pool.Slug, pool);
            }
        }
    }

    public PoolEntry? Find(string slug) => _bySlug.GetValueOrDefault(slug);

    public string NameOf(string slug) => Find(slug)?.Name ?? (slug == "unknown" ? "Unknown" : slug);
}
