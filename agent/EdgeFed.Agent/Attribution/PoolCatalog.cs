using EdgeFed.Agent.Attribution.Bitcoin;
using EdgeFed.Protocol.Domain;

namespace EdgeFed.Agent.Attribution;

/// <summary>
/// The pools EdgeFed can attribute to: loaded from a catalogue file (<c>--catalog</c>, e.g.
/// ../shared/data/pools/pool-list.json) or the small built-in one, which names the largest current pools by the
/// tags they write in their coinbases.
/// </summary>
public sealed class PoolCatalog
{
    private readonly Dictionary<string, PoolEntry> _byAddress;
    private readonly List<(string Tag, PoolEntry Pool)> _tags;

    public PoolCatalog(IReadOnlyList<PoolEntry> pools)
    {
        Pools = pools;
        _byAddress = new Dictionary<string, PoolEntry>(StringComparer.Ordinal);
        foreach (var pool in pools)
        {
            foreach (var address in pool.Addresses)
            {
                _byAddress.TryAdd(address, pool);
            }
        }

        // Longest tag first: the most specific mention wins when several pools' tags appear.
        _tags = pools.SelectMany(p => p.Tags.Where(t => t.Length > 0).Select(t => (t, p))).OrderByDescending(t => t.t.Length).ToList();
    }

    public IReadOnlyList<PoolEntry> Pools { get; }

    public static PoolCatalog BuiltIn { get; } = new(
    [
        new(1, "Foundry USA", [], ["Foundry USA Pool", "/2cDw/"]),
        new(2, "AntPool", [], ["Mined by AntPool", "/AntPool/"]),
        new(3, "F2Pool", [], ["F2Pool", "七彩神仙鱼"]),
        new(4, "ViaBTC", [], ["/ViaBTC/", "viabtc.com deploy"]),
        new(5, "MARA Pool", [], ["MARA Pool", "/Mara Pool/", "MARA Made in USA"]),
        new(6, "SpiderPool", [], ["SpiderPool"]),
        new(7, "Luxor", [], ["/LUXOR/", "Luxor Tech"]),
        new(8, "Binance Pool", [], ["/Binance/", "binance.com/"]),
        new(9, "Braiins Pool", [], ["/slush/"]),
        new(10, "SECPOOL", [], ["SecPool", "SECPOOL"]),
        new(11, "OCEAN", [], ["OCEAN.XYZ"]),
        new(12, "Poolin", [], ["/poolin"]),
        new(13, "SBI Crypto", [], ["/SBICrypto.com Pool/"]),
        new(14, "Ultimus Pool", [], ["/ultimus/"]),
        new(15, "BTC.com", [], ["/BTC.COM/", "/BTC.com/"]),
        new(16, "Mining Squared", [], ["MiningSquared"]),
    ]);

    public static PoolCatalog Load(string path)
    {
        try
        {
            return new PoolCatalog(PoolList.Read(path));
        }
        catch (InvalidDataException ex)
        {
            throw new DecodeException(ex.Message, ex);
        }
    }

    public PoolEntry? ByAddress(string address) => _byAddress.GetValueOrDefault(address);

    /// <summary>The pool whose tag appears in the scriptSig (as printable ASCII, or as UTF-8 for tags like 七彩神仙鱼).</summary>
    public (PoolEntry Pool, string Tag)? ByTag(string ascii, string utf8)
    {
        foreach (var (tag, pool) in _tags)
        {
            if (ascii.Contains(tag, StringComparison.Ordinal) || utf8.Contains(tag, StringComparison.Ordinal))
            {
                return (pool, tag);
            }
        }

        return null;
    }
}
