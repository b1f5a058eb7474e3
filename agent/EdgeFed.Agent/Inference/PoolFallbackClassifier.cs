using EdgeFed.Agent.Attribution;
using EdgeFed.Agent.Attribution.Bitcoin;
using EdgeFed.Agent.Features;
using Microsoft.Extensions.Options;

namespace EdgeFed.Agent.Inference;

/// <summary>
/// The pool-fallback model behind <see cref="PoolAttributor"/>: asked only when no address or tag matched, it names
/// the most likely pool from the coinbase layout with <c>method: "model"</c> and its probability as evidence, or
/// nothing below the configured minimum probability (the block then stays Unknown).
/// </summary>
public sealed class PoolFallbackClassifier(ModelSet models, PoolCatalog catalog, IOptions<InferenceOptions> options) : IPoolFallback
{
    public PoolAttribution? Guess(CoinbaseInfo coinbase)
    {
        var features = CoinbaseFeatures.Of(coinbase);
        if (models.PoolModel.Card is not { } card || !features.All(float.IsFinite) || models.PoolModel.Predict(features, 1) is not { } probabilities)
        {
            return null;
        }

        var best = Array.IndexOf(probabilities, probabilities.Max());
        if (probabilities[best] < options.Value.PoolFallbackMinProbability)
        {
            return null;
        }

        var slug = card.Classes[best];
        var pool = catalog.Pools.FirstOrDefault(p => p.Slug == slug);
        return new PoolAttribution(pool?.Name ?? slug, slug, pool?.Id, "model", $"p={probabilities[best]:0.000}");
    }
}
