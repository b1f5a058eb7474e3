using EdgeFed.Protocol.V1;

namespace EdgeFed.Aggregator.Storage;

/// <summary>A regional aggregator's report waiting in its upstream outbox.</summary>
public sealed record UpstreamEntry(long Sequence, long WindowStart, byte[] Report);

/// <summary>
/// What a regional aggregator forwards upstream: per window, its cells merged over its agents (only keys that k
/// agents stand behind), and its outbox of built reports with their acks. The outbox is in the store, so a
/// restarted or replacing replica sends exactly what was built, under the same sequence numbers.
/// </summary>
public sealed partial class ReportStore
{
    /// <summary>The start of the earliest report window or block at or after <paramref name="from"/>; null when there is none.</summary>
    public async Task<long?> NextDataAsync(long from, CancellationToken cancellationToken) =>
        (await QueryAsync(
            "SELECT MIN(t) FROM (SELECT MIN(window_start) AS t FROM reports WHERE window_start >= @from " +
            "UNION ALL SELECT MIN(block_time) FROM block_sightings WHERE block_time >= @from) AS x",
            r => r.IsDBNull(0) ? (long?)null : r.Long(0), cancellationToken, ("@from", from))).Single();

    /// <summary>
    /// The cells of windows starting in [from, to), summed per cell key over all agents: hashrate, power, shares and
    /// TH/s × seconds add up; miner counts are each agent's largest in the window, added up; the agents behind a key
    /// add up (a sub-regional's count for it). Keys behind fewer than <paramref name="minAgents"/> agents are left out,
    /// their number returned as Suppressed.
    /// </summary>
    public async Task<(IReadOnlyList<AggregateCell> Cells, int Suppressed, uint Agents)> MergedCellsAsync(long from, long to, int minAgents, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(
            "WITH per_agent AS (SELECT c.pool, c.template_provider, c.vendor, c.model, c.health, c.agent_id, MAX(c.miners) AS miners, " +
            "SUM(c.hashrate_ths) AS hashrate, SUM(c.power_w) AS power, MAX(c.power_miners) AS power_miners, SUM(c.accepted) AS accepted, " +
            "SUM(c.rejected) AS rejected, SUM(c.confidence * c.miners) AS confidence_miners, SUM(c.miners) AS miner_windows, SUM(c.share_ths) AS share_ths, " +
            "SUM(c.share_count) AS share_count, MAX(c.share_miners) AS share_miners, SUM(c.share_api_ths) AS share_api_ths, " +
            $"SUM({CellSource.Weighted}) AS weighted, MAX(c.agents) AS agents " +
            $"FROM reports r JOIN cells c ON {_backend.CellsOfReport} WHERE r.window_start >= @from AND r.window_start < @to " +
            "GROUP BY c.pool, c.template_provider, c.vendor, c.model, c.health, c.agent_id) " +
            "SELECT pool, template_provider, vendor, model, health, SUM(miners), SUM(hashrate), SUM(power), SUM(power_miners), SUM(accepted), SUM(rejected), " +
            "SUM(confidence_miners), SUM(miner_windows), SUM(share_ths), SUM(share_count), SUM(share_miners), SUM(share_api_ths), SUM(weighted), SUM(agents) " +
            "FROM per_agent GROUP BY pool, template_provider, vendor, model, health ORDER BY pool, template_provider, vendor, model, health",
            r => (Agents: r.Long(18), Cell: new AggregateCell
            {
                Key = new CellKey { Pool = r.GetString(0), TemplateProvider = r.GetString(1), Vendor = r.GetString(2), Model = r.GetString(3), Health = (HealthClass)r.Int(4) },
                MinerCount = (uint)r.Long(5), HashrateThs = r.Double(6), PowerW = r.Double(7), PowerReportingMiners = (uint)r.Long(8),
                AcceptedShares = (ulong)r.Long(9), RejectedShares = (ulong)r.Long(10), MeanConfidence = r.Long(12) > 0 ? Math.Clamp(r.Double(11) / r.Long(12), 0, 1) : 0,
                ShareHashrateThs = r.Double(13), ShareCount = (ulong)r.Long(14), ShareMiners = (uint)r.Long(15), ShareApiHashrateThs = r.Double(16),
                HashrateSeconds = r.Double(17), Agents = (uint)r.Long(18),
            }),
            cancellationToken, ("@from", from), ("@to", to));
        var agents = (await QueryAsync(
            "SELECT COALESCE(SUM(n), 0) FROM (SELECT agent_id, MAX(CASE WHEN kind = @aggregator THEN agents_behind ELSE 1 END) AS n FROM reports " +
            "WHERE window_start >= @from AND window_start < @to GROUP BY agent_id) AS a",
            r => r.Long(0), cancellationToken, ("@from", from), ("@to", to), ("@aggregator", (int)AgentKind.Aggregator))).Single();
        var kept = rows.Where(r => r.Agents >= minAgents).Select(r => r.Cell).ToList();
        return (kept, rows.Count - kept.Count, (uint)agents);
    }

    /// <summary>When the latest report for a window starting in [from, to) arrived (ms since the epoch); null when none did.</summary>
    public async Task<long?> LastArrivalAsync(long from, long to, CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT MAX(received_at) FROM reports WHERE window_start >= @from AND window_start < @to",
            r => r.IsDBNull(0) ? (long?)null : r.Long(0), cancellationToken, ("@from", from), ("@to", to))).Single();

    /// <summary>The start of the latest window in the upstream outbox; null when nothing was built yet.</summary>
    public async Task<long?> LastUpstreamWindowAsync(CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT MAX(window_start) FROM upstream_outbox", r => r.IsDBNull(0) ? (long?)null : r.Long(0), cancellationToken)).Single();

    /// <summary>Adds a built report to the upstream outbox (once: a replica that built it too changes nothing).</summary>
    public async Task EnqueueUpstreamAsync(UpstreamEntry entry, CancellationToken cancellationToken) =>
        await _backend.ExecuteWriteAsync(
            "INSERT INTO upstream_outbox (sequence, window_start, report) VALUES (@sequence, @start, @report) ON CONFLICT (sequence) DO NOTHING",
            [("@sequence", entry.Sequence), ("@start", entry.WindowStart), ("@report", entry.Report)], cancellationToken);

    /// <summary>The oldest reports not acknowledged upstream yet, in sequence order.</summary>
    public async Task<IReadOnlyList<UpstreamEntry>> PendingUpstreamAsync(int limit, CancellationToken cancellationToken) =>
        await QueryAsync("SELECT sequence, window_start, report FROM upstream_outbox WHERE acked = 0 ORDER BY sequence LIMIT @limit",
            r => new UpstreamEntry(r.Long(0), r.Long(1), (byte[])r.GetValue(2)), cancellationToken, ("@limit", (long)limit));

    public async Task AckUpstreamAsync(long sequence, CancellationToken cancellationToken) =>
        await _backend.ExecuteWriteAsync("UPDATE upstream_outbox SET acked = 1 WHERE sequence = @sequence", [("@sequence", sequence)], cancellationToken);

    /// <summary>Reports built for upstream, and how many of them were acknowledged.</summary>
    public async Task<(long Built, long Acked)> UpstreamProgressAsync(CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT COUNT(*), COALESCE(SUM(acked), 0) FROM upstream_outbox", r => (r.Long(0), r.Long(1)), cancellationToken)).Single();
}
