using EdgeFed.Aggregator.Concentration;
using EdgeFed.Protocol.V1;
using Google.Protobuf.WellKnownTypes;

namespace EdgeFed.Aggregator.Metrics;

/// <summary>
/// Fills the concentration gauges when Prometheus scrapes: top-1/2/4/6, HHI and the Nakamoto coefficient over the last
/// 24 hours, for pools and template providers by blocks and by hashrate (what GetConcentration publishes, k-anonymity
/// included). Recomputed at most every 15 s however often the endpoint is scraped.
/// </summary>
public sealed class ConcentrationGauges(AggregatorMetrics metrics, ConcentrationQuery query, TimeProvider time)
{
    private static readonly (Basis Basis, Dimension Dimension)[] Views =
        [(Basis.Blocks, Dimension.Pool), (Basis.Blocks, Dimension.TemplateProvider), (Basis.Hashrate, Dimension.Pool), (Basis.Hashrate, Dimension.TemplateProvider)];

    private readonly SemaphoreSlim _gate = new(1, 1);
    private DateTimeOffset _updated = DateTimeOffset.MinValue;

    public async Task UpdateAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            if (now - _updated < TimeSpan.FromSeconds(15))
            {
                return;
            }

            foreach (var (basis, dimension) in Views)
            {
                var r = await query.RunAsync(new ConcentrationRequest
                {
                    Basis = basis, Dimension = dimension, From = Timestamp.FromDateTimeOffset(now.AddHours(-24)), To = Timestamp.FromDateTimeOffset(now.AddSeconds(1)),
                }, cancellationToken);
                var (b, d) = (basis.ToString().ToLowerInvariant(), dimension == Dimension.TemplateProvider ? "template_provider" : "pool");
                foreach (var (metric, value) in new[] { ("cr1", r.Cr1), ("cr2", r.Cr2), ("cr4", r.Cr4), ("cr6", r.Cr6), ("hhi", r.Hhi), ("nakamoto", (double)r.NakamotoCoefficient), ("total", r.Total) })
                {
                    metrics.Concentration.WithLabels(b, d, metric).Set(value);
                }
            }

            _updated = now;
        }
        finally
        {
            _gate.Release();
        }
    }
}
