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
        var column = ColumnOf(dimension);
        await using var connection = await OpenReaderAsync(cancellationToken);
        using var command = Command(connection, null,
            $"SELECT ((r.window_start - $offset) / $step) * $step + $offset, CAST({column} AS TEXT), c.agent_id, SUM(c.hashrate_ths) FROM cells c " +
            "JOIN reports r ON r.rowid = c.report_id " +
            $"WHERE r.window_start >= $from AND r.window_start < $to GROUP BY 1, {column}, c.agent_id", ("$from", from), ("$to", to), ("$step", step), ("$offset", offset));
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<BucketContribution>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new BucketContribution(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetDouble(3)));
        }

        return rows;
    }

    /// <summary>
    /// Per agent, its reported hashrate integrated over its windows starting in [from, to) (TH/s × seconds): divided by
    /// the range, the federated hashrate the agents saw on average.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, double>> HashrateSecondsByAgentAsync(long from, long to, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        using var command = Command(connection, null,
            "SELECT c.agent_id, SUM(c.hashrate_ths * (r.window_end - r.window_start)) FROM cells c JOIN reports r ON r.rowid = c.report_id " +
            "WHERE r.window_start >= $from AND r.window_start < $to GROUP BY c.agent_id", ("$from", from), ("$to", to));
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new Dictionary<string, double>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows[reader.GetString(0)] = reader.GetDouble(1);
        }

        return rows;
    }

    /// <summary>Reporting agents per kind over windows starting in [from, to).</summary>
    public async Task<IReadOnlyDictionary<AgentKind, int>> ReportingAgentsByKindAsync(long from, long to, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        using var command = Command(connection, null,
            "SELECT kind, COUNT(DISTINCT agent_id) FROM reports WHERE window_start >= $from AND window_start < $to GROUP BY kind", ("$from", from), ("$to", to));
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new Dictionary<AgentKind, int>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows[(AgentKind)reader.GetInt32(0)] = reader.GetInt32(1);
        }

        return rows;
    }

    /// <summary>The lowest and highest block height stored (mempool.space's X-Total-Count is their span); null when no block is.</summary>
    public async Task<(long Min, long Max)?> HeightSpanAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        using var command = Command(connection, null, "SELECT MIN(height), MAX(height) FROM block_sightings");
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) && !reader.IsDBNull(0) ? (reader.GetInt64(0), reader.GetInt64(1)) : null;
    }

    public async Task<StoreVersion> VersionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        using var command = Command(connection, null,
            "SELECT (SELECT IFNULL(MAX(rowid), 0) FROM reports), (SELECT IFNULL(MAX(rowid), 0) FROM block_sightings), (SELECT IFNULL(MAX(id), 0) FROM alerts)");
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new StoreVersion(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }
}
