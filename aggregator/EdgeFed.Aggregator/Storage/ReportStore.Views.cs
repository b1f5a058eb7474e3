using EdgeFed.Aggregator.Concentration;
using EdgeFed.Protocol.V1;

namespace EdgeFed.Aggregator.Storage;

/// <summary>What an agent contributed to one entity in one time bucket (series views).</summary>
public sealed record BucketContribution(long Bucket, string Entity, string Agent, double Value);

/// <summary>What changed last: the newest report, block sighting and alert (the dashboard refreshes when it moves).</summary>
public sealed record StoreVersion(long Reports, long Sightings, long Alerts);

/// <summary>The reads behind the HTTP API and the dashboard: series per time bucket, coverage, the store's version.</summary>
public sealed partial class ReportStore
{
    /// <summary>
    /// Per bucket of <paramref name="step"/> seconds (starting at <paramref name="offset"/> past the epoch), entity and
    /// agent: summed hashrate over windows starting in [from, to).
    /// </summary>
    public async Task<IReadOnlyList<BucketContribution>> HashrateSeriesAsync(Dimension dimension, long from, long to, long step, long offset, CancellationToken cancellationToken)
    {
        var column = CellSource.ColumnOf(dimension);
        // Buckets of the series are whole roll-up buckets only where the roll-up is no coarser than the step.
        return await ReadAsync(CellSource.For(_backend, from, to, coarsest: step),
            $"SELECT ((t - @offset) / @step) * @step + @offset, CAST({column} AS TEXT), agent_id, SUM(hashrate_ths) FROM src GROUP BY 1, {column}, agent_id",
            r => new BucketContribution(r.Long(0), r.GetString(1), r.GetString(2), r.Double(3)), cancellationToken, ("@step", step), ("@offset", offset));
    }

    /// <summary>
    /// Per agent, its reported hashrate integrated over its windows starting in [from, to) (TH/s × seconds): divided by
    /// the range, the federated hashrate the agents saw on average.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, double>> HashrateSecondsByAgentAsync(long from, long to, CancellationToken cancellationToken) =>
        (await ReadAsync(CellSource.For(_backend, from, to), "SELECT agent_id, SUM(weighted_ths) FROM src GROUP BY agent_id", r => (r.GetString(0), r.Double(1)), cancellationToken))
        .ToDictionary(r => r.Item1, r => r.Item2, StringComparer.Ordinal);

    /// <summary>The start of the first window in [from, to) (to the roll-up bucket where rolled); null when there is none.</summary>
    public async Task<long?> FirstWindowAsync(long from, long to, CancellationToken cancellationToken) =>
        (await ReadAsync(CellSource.ReportsFor(_backend, from, to), "SELECT MIN(t) FROM src", r => r.IsDBNull(0) ? (long?)null : r.Long(0), cancellationToken)).Single();

    /// <summary>Reporting agents per kind over windows starting in [from, to).</summary>
    public async Task<IReadOnlyDictionary<AgentKind, int>> ReportingAgentsByKindAsync(long from, long to, CancellationToken cancellationToken) =>
        (await ReadAsync(CellSource.ReportsFor(_backend, from, to), "SELECT kind, COUNT(DISTINCT agent_id) FROM src GROUP BY kind", r => ((AgentKind)r.Int(0), r.Int(1)), cancellationToken))
        .ToDictionary(r => r.Item1, r => r.Item2);

    /// <summary>The lowest and highest block height stored (mempool.space's X-Total-Count is their span); null when no block is.</summary>
    public async Task<(long Min, long Max)?> HeightSpanAsync(CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT MIN(height), MAX(height) FROM block_sightings", r => r.IsDBNull(0) ? ((long, long)?)null : (r.Long(0), r.Long(1)), cancellationToken)).Single();

    public async Task<StoreVersion> VersionAsync(CancellationToken cancellationToken) =>
        (await QueryAsync(_backend.VersionSql, r => new StoreVersion(r.Long(0), r.Long(1), r.Long(2)), cancellationToken)).Single();
}
