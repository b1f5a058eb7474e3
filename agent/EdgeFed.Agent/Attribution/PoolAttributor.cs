using EdgeFed.Agent.Attribution.Bitcoin;

namespace EdgeFed.Agent.Attribution;

/// <summary>
/// The attribution rule of the public block explorers: an output paying a catalogue address wins; else a tag; else
/// the optional fallback model's guess (method <c>model</c>, never over a rule match); else Unknown.
/// </summary>
public sealed class PoolAttributor(PoolCatalog catalog, IPoolFallback? fallback = null)
{
    public PoolAttribution Attribute(CoinbaseInfo coinbase)
    {
        foreach (var output in coinbase.Outputs)
        {
            if (output.Address is { } address && catalog.ByAddress(address) is { } pool)
            {
                return new PoolAttribution(pool.Name, pool.Slug, pool.Id, "address", address);
            }
        }

        return catalog.ByTag(coinbase.ScriptSigAscii, coinbase.ScriptSigText) is var (tagged, tag)
            ? new PoolAttribution(tagged.Name, tagged.Slug, tagged.Id, "tag", tag)
            : fallback?.Guess(coinbase) ?? PoolAttribution.Unknown;
    }
}
