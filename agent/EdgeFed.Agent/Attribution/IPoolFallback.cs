using EdgeFed.Agent.Attribution.Bitcoin;

namespace EdgeFed.Agent.Attribution;

/// <summary>A last resort after the address and tag rules: a guess from the coinbase layout (the pool-fallback model).</summary>
public interface IPoolFallback
{
    /// <summary>An attribution with method <c>model</c>, or null when there is no confident guess.</summary>
    PoolAttribution? Guess(CoinbaseInfo coinbase);
}
