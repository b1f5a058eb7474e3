using System.Globalization;
using EdgeFed.Aggregator.Storage;
using EdgeFed.Protocol.V1;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Xunit;

namespace EdgeFed.Aggregator.Tests;

/// <summary>
/// The SQLite group commit writes a report's cells in multi-row INSERTs of up to
/// <see cref="SqliteReportWriter.CellsPerStatement"/> cells, bound by position on raw pointers: every column of every
/// cell must land in its own row, in order, whatever the count (one statement, a full one, one over, several).
/// </summary>
public sealed class SqliteReportWriterTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(SqliteReportWriter.CellsPerStatement)]
    [InlineData(SqliteReportWriter.CellsPerStatement + 1)]
    [InlineData((2 * SqliteReportWriter.CellsPerStatement) + 3)]
    public async Task EveryColumnOfEveryCell_IsStoredInItsOwnRow(int cells)
    {
        var directory = Directory.CreateTempSubdirectory("edgefed-writer-").FullName;
        var path = Path.Combine(directory, "aggregator.db");
        try
        {
            var first = Report("w1", 1, cells);
            var second = Report("w2", 7, cells);
            using (var store = new ReportStore(Options.Create(new AggregatorOptions { DatabasePath = path, EnrolmentToken = AggregatorHost.Token })))
            {
                var stored = await Task.WhenAll( // one batch or two, either way
                    store.StoreAsync(first, DateTimeOffset.UtcNow, default), store.StoreAsync(second, DateTimeOffset.UtcNow, default));
                Assert.Equal([true, true], stored);
                Assert.False(await store.StoreAsync(Report("w1", 1, cells + 2), DateTimeOffset.UtcNow, default)); // a resend adds no cell
            }

            var rows = Rows(path,
                "SELECT c.agent_id, c.sequence, c.cell_id - (r.rowid * 65536), c.pool, c.template_provider, c.vendor, c.model, c.health, c.miners, c.hashrate_ths, c.power_w, " +
                "c.power_miners, c.accepted, c.rejected, c.confidence, c.share_ths, c.share_count, c.share_miners, c.share_api_ths, c.agents, c.hashrate_seconds " +
                "FROM cells c JOIN reports r ON r.agent_id = c.agent_id AND r.sequence = c.sequence ORDER BY c.rowid");

            Assert.Equal([.. Expected(first), .. Expected(second)], rows);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// Texts are bound as UTF-8 from a 16-KiB buffer SQLite reads in place, and one that might not fit in what is left of
    /// it is bound as a copy: empty, non-ASCII and long texts (one that fills the buffer, one past it, each cell's in
    /// turn) are all stored as sent, as TEXT, whichever way each was bound.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(3_000)]  // 9,003 bytes at most in UTF-8: the second text of a statement no longer fits
    [InlineData(20_000)] // never fits
    public async Task EmptyNonAsciiAndLongTexts_AreStoredAsSent(int length)
    {
        var directory = Directory.CreateTempSubdirectory("edgefed-writer-texts-").FullName;
        var path = Path.Combine(directory, "aggregator.db");
        string Text(char first, int i) => length == 0 ? string.Empty : string.Concat(Enumerable.Repeat($"{first}é嘉{i}", length))[..length];
        try
        {
            var report = Report("w1", 1, 3);
            report.SoftwareVersion = Text('v', 9);
            for (var i = 0; i < report.Cells.Count; i++)
            {
                var key = report.Cells[i].Key;
                (key.Pool, key.TemplateProvider, key.Vendor, key.Model) = (Text('p', i), Text('t', i), Text('v', i), Text('m', i));
            }

            using (var store = new ReportStore(Options.Create(new AggregatorOptions { DatabasePath = path, EnrolmentToken = AggregatorHost.Token })))
            {
                Assert.True(await store.StoreAsync(report, DateTimeOffset.UtcNow, default));
            }

            var rows = Rows(path,
                "SELECT c.pool, c.template_provider, c.vendor, c.model, r.software_version, typeof(c.pool) || typeof(c.model) || typeof(r.software_version) " +
                "FROM cells c JOIN reports r ON r.agent_id = c.agent_id AND r.sequence = c.sequence ORDER BY c.rowid");

            Assert.Equal(
                report.Cells.Select(c => string.Join('|', c.Key.Pool, c.Key.TemplateProvider, c.Key.Vendor, c.Key.Model, report.SoftwareVersion, "texttexttext")),
                rows);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Each row of <paramref name="sql"/> on the closed store's file, its columns joined by '|'.</summary>
    private static List<string> Rows(string path, string sql)
    {
        SqliteConnection.ClearAllPools();
        using var check = new SqliteConnection($"Data Source={path};Pooling=false");
        check.Open();
        using var read = check.CreateCommand();
        read.CommandText = sql;
        var rows = new List<string>();
        using var reader = read.ExecuteReader();
        while (reader.Read())
        {
            rows.Add(string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
        }

        return rows;
    }

    /// <summary>A report whose cells differ in every column, strings with non-ASCII text among them.</summary>
    private static AggregateReport Report(string agent, ulong sequence, int cells)
    {
        var report = ReportBuilder.Report(agent, sequence);
        for (var i = 0; i < cells; i++)
        {
            report.Cells.Add(new AggregateCell
            {
                Key = new CellKey
                {
                    Pool = $"pool-{i}", TemplateProvider = $"provider-{i}", Vendor = i % 2 == 0 ? "Bitmain" : "Canaan 嘉楠", Model = $"model-{i}",
                    Health = (HealthClass)(i % 4),
                },
                MinerCount = (uint)(10 + i), HashrateThs = 100.25 + i, PowerW = 3000.5 + i, PowerReportingMiners = (uint)(5 + i),
                AcceptedShares = (ulong)(1000 + i), RejectedShares = (ulong)i, MeanConfidence = 0.5 + (i / 100.0),
                ShareHashrateThs = 90.125 + i, ShareCount = (ulong)(200 + i), ShareMiners = (uint)(3 + i), ShareApiHashrateThs = 95.5 + i,
                Agents = (uint)(i % 3), HashrateSeconds = 6000.75 * i,
            });
        }

        return report;
    }

    // Each cell's place in its report: its rowid less its report's rowid × 65,536.
    private static IEnumerable<string> Expected(AggregateReport r) => r.Cells.Select((c, place) => string.Join('|', new object[]
    {
        r.AgentId, (long)r.Sequence, (long)place, c.Key.Pool, c.Key.TemplateProvider, c.Key.Vendor, c.Key.Model, (long)c.Key.Health, (long)c.MinerCount, c.HashrateThs,
        c.PowerW, (long)c.PowerReportingMiners, (long)c.AcceptedShares, (long)c.RejectedShares, c.MeanConfidence, c.ShareHashrateThs, (long)c.ShareCount,
        (long)c.ShareMiners, c.ShareApiHashrateThs, Math.Max(1L, c.Agents), c.HashrateSeconds,
    }.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))));
}
