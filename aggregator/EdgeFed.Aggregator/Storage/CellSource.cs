using System.Globalization;
using System.Text;
using EdgeFed.Protocol.V1;

namespace EdgeFed.Aggregator.Storage;

/// <summary>
/// The cells of windows starting in a range as one SQL source, <c>src</c>, whatever mix of roll-ups and raw cells
/// holds them: for each roll-up segment of the <see cref="RollupPlan"/>, its buckets (the reports up to the roll-up
/// watermark) plus the raw cells of the reports after the watermark; for each raw segment, the raw cells. Read in one
/// statement, the watermark and the buckets come from the same snapshot, so nothing is counted twice or missed.
/// Columns: t (bucket or window start), agent_id, region, pool, template_provider, vendor, model, health, hashrate_ths,
/// weighted_ths (TH/s × window seconds), share_ths, share_count, share_api_ths, disagreeing (cells whose share-based
/// and API figures disagree beyond their error), agents (distinct agents behind the cell: more than one for a regional aggregator's).
/// </summary>
internal static class CellSource
{
    // |share - api| > 1.96 share/sqrt(n), squared (no SQRT needed in SQL): one cell that disagrees.
    public const string Disagrees =
        "CASE WHEN c.share_count > 0 AND (c.share_ths - c.share_api_ths) * (c.share_ths - c.share_api_ths) * c.share_count > 3.8416 * c.share_ths * c.share_ths THEN 1 ELSE 0 END";

    /// <summary>A cell's TH/s × seconds: its own figure where a regional aggregator merged windows, else hashrate × its report's window.</summary>
    public const string Weighted = "CASE WHEN c.hashrate_seconds > 0 THEN c.hashrate_seconds ELSE c.hashrate_ths * (r.window_end - r.window_start) END";

    private const string RawColumns =
        "r.window_start AS t, c.agent_id, r.region, c.pool, c.template_provider, c.vendor, c.model, c.health, c.hashrate_ths, " +
        Weighted + " AS weighted_ths, c.share_ths, c.share_count, c.share_api_ths, " + Disagrees + " AS disagreeing, c.agents";

    private const string RollupColumns =
        "bucket AS t, agent_id, region, pool, template_provider, vendor, model, health, hashrate_ths, weighted_ths, share_ths, share_count, share_api_ths, disagreeing, agents";

    private const string ReportColumns = "r.window_start AS t, r.agent_id, r.kind";

    /// <summary><c>WITH src AS (…)</c> of cells for windows starting in [from, to), and its parameters.</summary>
    public static (string Sql, List<(string Name, object Value)> Parameters) For(StoreBackend store, long from, long to, long coarsest = long.MaxValue) =>
        Build(store, from, to, coarsest, $"SELECT {RawColumns} FROM reports r JOIN cells c ON {store.CellsOfReport}", $"SELECT {RollupColumns} FROM rollup_cells");

    /// <summary><c>WITH src AS (…)</c> of reports (t, agent_id, kind) for windows starting in [from, to): agents that reported, cells or not.</summary>
    public static (string Sql, List<(string Name, object Value)> Parameters) ReportsFor(StoreBackend store, long from, long to) =>
        Build(store, from, to, long.MaxValue, $"SELECT {ReportColumns} FROM reports r", "SELECT bucket AS t, agent_id, kind FROM rollup_reports");

    private static (string Sql, List<(string Name, object Value)> Parameters) Build(StoreBackend store, long from, long to, long coarsest, string raw, string rolled)
    {
        var sql = new StringBuilder("WITH src AS (");
        var parameters = new List<(string, object)>();
        var parts = new List<string>();
        foreach (var segment in RollupPlan.For(from, to, coarsest))
        {
            var i = parameters.Count;
            var (s, e) = ($"@s{i}", $"@e{i}");
            parameters.Add((s, segment.From));
            parameters.Add((e, segment.To));
            var inRange = $"r.window_start >= {s} AND r.window_start < {e}";
            if (segment.Level == 0)
            {
                parts.Add($"{raw} WHERE {inRange}");
                continue;
            }

            var level = segment.Level.ToString(CultureInfo.InvariantCulture);
            parts.Add($"{rolled} WHERE level = {level} AND bucket >= {s} AND bucket < {e}");
            // Past the watermark the rows are few and recent: found by rowid (or transaction id). The unary + keeps SQLite from scanning
            // the window index over the whole segment instead (measured: 2.2 s against tens of ms for a 30-day view).
            parts.Add($"{raw} WHERE {store.PastWatermark} AND +r.window_start >= {s} AND +r.window_start < {e}");
        }

        if (parts.Count == 0)
        {
            parts.Add($"{raw} WHERE false");
        }

        sql.AppendJoin(" UNION ALL ", parts).Append(") ");
        return (sql.ToString(), parameters);
    }

    /// <summary>The column of a dimension in <c>src</c>.</summary>
    public static string ColumnOf(Dimension dimension) => dimension switch
    {
        Dimension.Pool => "pool",
        Dimension.TemplateProvider => "template_provider",
        Dimension.Vendor => "vendor",
        Dimension.Model => "model",
        Dimension.Health => "health",
        Dimension.Region => "region",
        _ => throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "Choose a dimension."),
    };
}
