using EdgeFed.Aggregator.Storage;
using Grpc.Core;
using EdgeFed.Protocol.V1;
using Microsoft.Extensions.Options;

namespace EdgeFed.Aggregator.Concentration;

/// <summary>
/// Reads what concentration is computed from (blocks merged by hash; hashrate per entity and agent, each agent's
/// weight capped, entities behind fewer than k agents suppressed) and fills the gRPC response from the pure metrics.
/// </summary>
public sealed class ConcentrationQuery(ReportStore store, BlockSource blockSource, IOptions<AggregatorOptions> options)
{
    public async Task<ConcentrationResponse> RunAsync(ConcentrationRequest request, CancellationToken cancellationToken)
    {
        var from = request.From?.Seconds ?? 0;
        var to = request.To?.Seconds ?? long.MaxValue;
        var response = request.Basis == Basis.Blocks
            ? await BlocksAsync(request.Dimension, from, to, cancellationToken)
            : await HashrateAsync(request.Dimension, from, to, cancellationToken);
        response.ContributingAgents = (uint)await store.CountAgentsAsync(from, to, cancellationToken);
        return response;
    }

    /// <summary>Blocks merged by hash, by pool or by template provider, each share with its 95 % Wilson interval.</summary>
    private async Task<ConcentrationResponse> BlocksAsync(Dimension dimension, long from, long to, CancellationToken cancellationToken)
    {
        if (dimension is not (Dimension.Pool or Dimension.TemplateProvider or Dimension.Unspecified))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "dimension: blocks are attributed to pools and template providers only."));
        }

        var blocks = await blockSource.RangeAsync(from, to, cancellationToken);
        var groups = dimension == Dimension.TemplateProvider ? new Protocol.Domain.ProxyGroups(Protocol.Domain.ProxyGroups.Default) : null;
        var summary = ConcentrationMetrics.Summarise(
            blocks.GroupBy(b => groups?.ProviderOf(b.Pool) ?? b.Pool).Select(g => KeyValuePair.Create(g.Key, (double)g.Count())), counts: true);
        var response = new ConcentrationResponse { DisputedBlocks = (uint)blocks.Count(b => b.Disputed) };
        Fill(response, summary);
        foreach (var share in response.Shares)
        {
            var interval = ConcentrationMetrics.Wilson(share.Share, summary.Total);
            share.Interval = new Protocol.V1.Interval { Low = interval.Low, High = interval.High };
        }

        return response;
    }

    /// <summary>
    /// Reported hashrate, published only where k distinct agents stand behind it and no agent outweighs the rest, with
    /// the share-based hashrate beside the API figure for the published entities (k-anonymity holds for it too).
    /// </summary>
    private async Task<ConcentrationResponse> HashrateAsync(Dimension dimension, long from, long to, CancellationToken cancellationToken)
    {
        if (dimension == Dimension.Unspecified)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "dimension: required."));
        }

        var (published, suppressed) = Publish(await store.HashrateByAsync(dimension, from, to, cancellationToken));
        var response = new ConcentrationResponse { SuppressedEntities = (uint)suppressed };
        response.CappedAgents.AddRange(published.SelectMany(e => e.CappedAgents).Distinct().Order(StringComparer.Ordinal));
        Fill(response, ConcentrationMetrics.Summarise(published.Select(e => KeyValuePair.Create(EntityName(dimension, e.Entity), e.Value))));
        var measured = await store.ShareHashrateByAsync(dimension, from, to, cancellationToken);
        var stored = published.ToDictionary(e => EntityName(dimension, e.Entity), e => e.Entity);
        foreach (var share in response.Shares)
        {
            if (stored.TryGetValue(share.Entity, out var key) && measured.TryGetValue(key, out var m))
            {
                (share.ShareBasedThs, share.ShareApiThs, share.Shares, share.ShareRelativeError, share.ShareDisagrees, share.DisagreeingCells) =
                    (m.ShareThs, m.ApiThs, (ulong)m.Shares, m.RelativeError, m.Disagrees, (uint)m.DisagreeingCells);
            }
        }

        return response;
    }

    /// <summary>Caps each agent's weight in an entity, then keeps the entities that at least k distinct agents back.</summary>
    public (IReadOnlyList<CappedEntity> Published, int Suppressed) Publish(IEnumerable<AgentContribution> contributions)
    {
        var entities = AgentWeightCap.Apply(contributions, options.Value.MaxAgentWeight);
        var published = entities.Where(e => e.Agents >= options.Value.MinAgentsPerCell).ToList();
        return (published, entities.Count - published.Count);
    }

    /// <summary>k of the k-anonymity rule: a figure is published only when this many distinct agents stand behind it.</summary>
    public int MinAgents => options.Value.MinAgentsPerCell;

    /// <summary>The name an entity is published under (health classes by name).</summary>
    public static string Published(Dimension dimension, string stored) => EntityName(dimension, stored);

    private static void Fill(ConcentrationResponse response, ConcentrationSummary s)
    {
        (response.Total, response.Cr1, response.Cr2, response.Cr4, response.Cr6, response.Hhi, response.EffectiveEntities) =
            (s.Total, s.Cr1, s.Cr2, s.Cr4, s.Cr6, s.Hhi, s.EffectiveEntities);
        (response.NakamotoCoefficient, response.Tau66, response.Gini, response.EntropyBits, response.Renyi0Bits, response.Renyi2Bits) =
            ((uint)s.NakamotoCoefficient, (uint)s.Tau66, s.Gini, s.Entropy, s.Renyi0, s.Renyi2);
        (response.RenyiInfBits, response.Theil, response.HhiBand2010, response.HighlyConcentrated2023) = (s.RenyiInfinity, s.Theil, s.HhiBand2010, s.HighlyConcentrated2023);
        if (s.Intervals is { } i)
        {
            static Protocol.V1.Interval I(Interval x) => new() { Low = x.Low, High = x.High };
            response.Intervals = new Protocol.V1.ShareIntervals { Top1 = I(i.Top1), Top2 = I(i.Top2), Top4 = I(i.Top4), Top6 = I(i.Top6), Hhi = I(i.Hhi) };
        }

        response.Shares.AddRange(s.Shares.Select(e => new Protocol.V1.EntityShare { Entity = e.Entity, Value = e.Value, Share = e.Share }));
    }

    private static string EntityName(Dimension dimension, string stored) =>
        dimension == Dimension.Health && int.TryParse(stored, out var health) ? ((HealthClass)health).ToString() : stored;
}
