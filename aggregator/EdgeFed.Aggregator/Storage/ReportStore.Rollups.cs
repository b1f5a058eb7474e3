using System.Globalization;

namespace EdgeFed.Aggregator.Storage;

/// <summary>
/// Roll-ups: per day, hour and ten minutes, each agent's sums per cell key (and its reports per kind), so a 30-day
/// view reads tens of thousands of rows instead of millions of cells. Reports are rolled in the order they were
/// stored (by rowid, up to a watermark kept in the same transaction, in the roll-ups' own file), so a late report for an old window is rolled
/// like any other and nothing is rolled twice; the reads add the reports past the watermark from the raw cells.
/// </summary>
public sealed partial class ReportStore
{
    /// <summary>
    /// Rolls up to <paramref name="maxReports"/> reports past the watermark; returns how many it rolled. It writes the
    /// roll-ups' own file on its own connection (the store attached for reading), so ingest's commits never wait for it.
    /// </summary>
    public async Task<int> RollUpAsync(int maxReports, CancellationToken cancellationToken)
    {
        await _rollGate.WaitAsync(cancellationToken);
        try
        {
            using var tx = _roller.BeginTransaction();
            using var bounds = Command(_roller, tx,
                "SELECT last_report, MIN((SELECT IFNULL(MAX(rowid), 0) FROM reports), last_report + $max) FROM rollup_state WHERE id = 1", ("$max", (long)maxReports));
            long last, upto;
            using (var reader = bounds.ExecuteReader())
            {
                reader.Read();
                (last, upto) = (reader.GetInt64(0), reader.GetInt64(1));
            }

            if (upto <= last)
            {
                return 0;
            }

            // The chunk is read from the store once, at the finest level, into memory; the coarser levels sum that.
            var finest = RollupPlan.Levels[^1].ToString(CultureInfo.InvariantCulture);
            Execute(_roller, tx, "DELETE FROM temp.chunk_cells; DELETE FROM temp.chunk_reports;", last, upto);
            Execute(_roller, tx,
                "INSERT INTO temp.chunk_cells " +
                $"SELECT (r.window_start / {finest}) * {finest}, c.agent_id, r.region, c.pool, c.template_provider, c.vendor, c.model, c.health, SUM(c.hashrate_ths), " +
                $"SUM(c.hashrate_ths * (r.window_end - r.window_start)), SUM(c.share_ths), SUM(c.share_count), SUM(c.share_api_ths), SUM({CellSource.Disagrees}) " +
                "FROM reports r JOIN cells c ON c.report_id = r.rowid WHERE r.rowid > $last AND r.rowid <= $upto GROUP BY 1, 2, 3, 4, 5, 6, 7, 8",
                last, upto);
            Execute(_roller, tx,
                $"INSERT INTO temp.chunk_reports SELECT (r.window_start / {finest}) * {finest}, r.agent_id, r.kind, COUNT(*) FROM reports r " +
                "WHERE r.rowid > $last AND r.rowid <= $upto GROUP BY 1, 2, 3",
                last, upto);
            foreach (var level in RollupPlan.Levels)
            {
                var l = level.ToString(CultureInfo.InvariantCulture);
                Execute(_roller, tx,
                    "INSERT INTO rollup_cells (level, bucket, agent_id, region, pool, template_provider, vendor, model, health, hashrate_ths, weighted_ths, share_ths, share_count, share_api_ths, disagreeing) " +
                    $"SELECT {l}, (bucket / {l}) * {l}, agent_id, region, pool, template_provider, vendor, model, health, SUM(hashrate_ths), SUM(weighted_ths), SUM(share_ths), " +
                    "SUM(share_count), SUM(share_api_ths), SUM(disagreeing) FROM temp.chunk_cells WHERE true GROUP BY 2, 3, 4, 5, 6, 7, 8, 9 " +
                    "ON CONFLICT (level, bucket, agent_id, region, pool, template_provider, vendor, model, health) DO UPDATE SET " +
                    "hashrate_ths = hashrate_ths + excluded.hashrate_ths, weighted_ths = weighted_ths + excluded.weighted_ths, share_ths = share_ths + excluded.share_ths, " +
                    "share_count = share_count + excluded.share_count, share_api_ths = share_api_ths + excluded.share_api_ths, disagreeing = disagreeing + excluded.disagreeing",
                    last, upto);
                Execute(_roller, tx,
                    $"INSERT INTO rollup_reports (level, bucket, agent_id, kind, reports) SELECT {l}, (bucket / {l}) * {l}, agent_id, kind, SUM(reports) " +
                    "FROM temp.chunk_reports WHERE true GROUP BY 2, 3, 4 ON CONFLICT (level, bucket, agent_id, kind) DO UPDATE SET reports = reports + excluded.reports",
                    last, upto);
            }

            using var mark = Command(_roller, tx, "UPDATE rollup_state SET last_report = $upto WHERE id = 1", ("$upto", upto));
            mark.ExecuteNonQuery();
            tx.Commit();
            return (int)(upto - last);
        }
        finally
        {
            _rollGate.Release();
        }
    }

    private static void Execute(Microsoft.Data.Sqlite.SqliteConnection connection, Microsoft.Data.Sqlite.SqliteTransaction tx, string sql, long last, long upto)
    {
        using var command = Command(connection, tx, sql, ("$last", last), ("$upto", upto));
        command.ExecuteNonQuery();
    }
}
