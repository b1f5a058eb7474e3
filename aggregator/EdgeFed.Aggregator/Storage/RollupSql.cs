using System.Globalization;

namespace EdgeFed.Aggregator.Storage;

/// <summary>
/// The roll-up statements both stores run: a chunk of reports is summed once at the finest level into a temporary
/// table (<c>chunk_cells</c>, <c>chunk_reports</c>), and every level adds that chunk's sums to its buckets. Which
/// reports form the chunk is the store's to say (<paramref name="chunk"/>, a predicate on <c>r</c>).
/// </summary>
internal static class RollupSql
{
    private static readonly string Finest = RollupPlan.Levels[^1].ToString(CultureInfo.InvariantCulture);

    public static string ChunkCells(string chunk, string cellsOfReport) =>
        $"SELECT (r.window_start / {Finest}) * {Finest} AS bucket, c.agent_id, r.region, c.pool, c.template_provider, c.vendor, c.model, c.health, " +
        $"SUM(c.hashrate_ths) AS hashrate_ths, SUM({CellSource.Weighted}) AS weighted_ths, SUM(c.share_ths) AS share_ths, " +
        $"SUM(c.share_count) AS share_count, SUM(c.share_api_ths) AS share_api_ths, SUM({CellSource.Disagrees}) AS disagreeing, MAX(c.agents) AS agents " +
        $"FROM reports r JOIN cells c ON {cellsOfReport} WHERE {chunk} GROUP BY 1, 2, 3, 4, 5, 6, 7, 8";

    public static string ChunkReports(string chunk) =>
        $"SELECT (r.window_start / {Finest}) * {Finest} AS bucket, r.agent_id, r.kind, COUNT(*) AS reports FROM reports r WHERE {chunk} GROUP BY 1, 2, 3";

    /// <summary>Per level, the chunk's sums added to the level's buckets (upserts; <paramref name="greatest"/> keeps the largest count of agents behind a cell).</summary>
    public static IEnumerable<string> AddChunkToLevels(string greatest)
    {
        foreach (var level in RollupPlan.Levels)
        {
            var l = level.ToString(CultureInfo.InvariantCulture);
            yield return
                "INSERT INTO rollup_cells (level, bucket, agent_id, region, pool, template_provider, vendor, model, health, hashrate_ths, weighted_ths, share_ths, share_count, share_api_ths, disagreeing, agents) " +
                $"SELECT {l}, (bucket / {l}) * {l}, agent_id, region, pool, template_provider, vendor, model, health, SUM(hashrate_ths), SUM(weighted_ths), SUM(share_ths), " +
                "SUM(share_count), SUM(share_api_ths), SUM(disagreeing), MAX(agents) FROM chunk_cells WHERE true GROUP BY 2, 3, 4, 5, 6, 7, 8, 9 " +
                "ON CONFLICT (level, bucket, agent_id, region, pool, template_provider, vendor, model, health) DO UPDATE SET " +
                "hashrate_ths = rollup_cells.hashrate_ths + excluded.hashrate_ths, weighted_ths = rollup_cells.weighted_ths + excluded.weighted_ths, " +
                "share_ths = rollup_cells.share_ths + excluded.share_ths, share_count = rollup_cells.share_count + excluded.share_count, " +
                "share_api_ths = rollup_cells.share_api_ths + excluded.share_api_ths, disagreeing = rollup_cells.disagreeing + excluded.disagreeing, " +
                $"agents = {greatest}(rollup_cells.agents, excluded.agents)";
            yield return
                $"INSERT INTO rollup_reports (level, bucket, agent_id, kind, reports) SELECT {l}, (bucket / {l}) * {l}, agent_id, kind, SUM(reports) " +
                "FROM chunk_reports WHERE true GROUP BY 2, 3, 4 ON CONFLICT (level, bucket, agent_id, kind) DO UPDATE SET reports = rollup_reports.reports + excluded.reports";
        }
    }
}
