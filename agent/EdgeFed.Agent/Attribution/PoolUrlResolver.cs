using EdgeFed.Protocol.Domain;
namespace EdgeFed.Agent.Attribution;

/// <summary>
/// From the pool URL a miner is configured with to the pool: a built-in map of the largest pools' stratum hosts,
/// then the website domains in the catalogue's <c>link</c> fields (btc.f2pool.com → f2pool.com), then nothing.
/// </summary>
public sealed class PoolUrlResolver
{
    private static readonly (string HostSuffix, string PoolName)[] BuiltIn =
    [
        ("foundryusapool.com", "Foundry USA"),
        ("antpool.com", "AntPool"),
        ("viabtc.io", "ViaBTC"),
        ("viabtc.com", "ViaBTC"),
        ("f2pool.com", "F2Pool"),
        ("braiins.com", "Braiins Pool"),
        ("slushpool.com", "Braiins Pool"),
        ("luxor.tech", "Luxor"),
        ("ocean.xyz", "OCEAN"),
        ("poolbinance.com", "Binance Pool"),
        ("marapool.com", "MARA Pool"),
        ("spiderpool.com", "SpiderPool"),
        ("secpool.com", "SECPOOL"),
        ("poolin.com", "Poolin"),
    ];

    private readonly List<(string Suffix, PoolEntry Pool)> _suffixes = [];

    public PoolUrlResolver(PoolCatalog catalog)
    {
        foreach (var (suffix, name) in BuiltIn)
        {
            if (catalog.Pools.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) is { } pool)
            {
                _suffixes.Add((suffix, pool));
            }
        }

        foreach (var pool in catalog.Pools)
        {
            if (Uri.TryCreate(pool.Link, UriKind.Absolute, out var link) && link.Host.Length > 0)
            {
                _suffixes.Add((link.Host.StartsWith("www.", StringComparison.Ordinal) ? link.Host[4..] : link.Host, pool));
            }
        }
    }

    public PoolAttribution Resolve(string? poolUrl)
    {
        if (poolUrl is null || !Uri.TryCreate(poolUrl.Contains("://", StringComparison.Ordinal) ? poolUrl : "stratum+tcp://" + poolUrl, UriKind.Absolute, out var uri))
        {
            return PoolAttribution.Unknown;
        }

        var host = uri.Host.ToLowerInvariant();
        foreach (var (suffix, pool) in _suffixes)
        {
            if (host == suffix || host.EndsWith("." + suffix, StringComparison.Ordinal))
            {
                return new PoolAttribution(pool.Name, pool.Slug, pool.Id, "url", host);
            }
        }

        return PoolAttribution.Unknown;
    }
}
