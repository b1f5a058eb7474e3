using EdgeFed.Aggregator.Concentration;
using EdgeFed.Aggregator.Storage;
using EdgeFed.Protocol.Domain;
using EdgeFed.Protocol.V1;

namespace EdgeFed.Aggregator.Http;

/// <summary>
/// Buckets a range for the series views. Blocks: the merged blocks per bucket, by pool or by template provider, with
/// count intervals. Hashrate: each agent's contribution per bucket, capped and filtered by k-anonymity within the
/// bucket (an entity that k agents back over a month but not in one day is suppressed in that day).
/// </summary>
public sealed class SeriesReader(ReportStore store, BlockSource blocks, ConcentrationQuery query)
{
    public async Task<IReadOnlyList<SeriesApi.Bucket>> ReadAsync(Dimension dimension, Basis basis, ApiRange range, long step, CancellationToken cancellationToken)
    {
        if (basis == Basis.Blocks)
        {
            var groups = dimension == Dimension.TemplateProvider ? new ProxyGroups(ProxyGroups.Default) : null;
            return (await blocks.RangeAsync(range.From, range.To, cancellationToken))
                .GroupBy(b => SeriesApi.BucketOf(b.Time, step)).OrderBy(g => g.Key)
                .Select(g => new SeriesApi.Bucket(g.Key, ConcentrationMetrics.Summarise(
                    g.GroupBy(b => groups?.ProviderOf(b.Pool) ?? b.Pool).Select(p => KeyValuePair.Create(p.Key, (double)p.Count())), counts: true), 0))
                .ToList();
        }

        var rows = await store.HashrateSeriesAsync(dimension, range.From, range.To, step, step == 604_800 ? 345_600 : 0, cancellationToken);
        return rows.GroupBy(r => r.Bucket).OrderBy(g => g.Key).Select(g =>
        {
            var (published, suppressed) = query.Publish(g.Select(r => new AgentContribution(r.Entity, r.Agent, r.Value)));
            return new SeriesApi.Bucket(g.Key, ConcentrationMetrics.Summarise(published.Select(e => KeyValuePair.Create(ConcentrationQuery.Published(dimension, e.Entity), e.Value))), suppressed);
        }).ToList();
    }
}
