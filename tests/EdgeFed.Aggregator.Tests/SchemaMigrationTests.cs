using EdgeFed.Aggregator.Storage;
using EdgeFed.Protocol.V1;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Xunit;

namespace EdgeFed.Aggregator.Tests;

/// <summary>A database written before cells pointed at their report's rowid opens, keeps its data, and is queried correctly.</summary>
public sealed class SchemaMigrationTests
{
    [Fact]
    public async Task OldCellsLayout_IsMigrated_AndItsReportsStillCount()
    {
        var path = OldFile("""
            CREATE TABLE reports (agent_id TEXT NOT NULL, sequence INTEGER NOT NULL, window_start INTEGER NOT NULL, window_end INTEGER NOT NULL,
                region TEXT NOT NULL, kind INTEGER NOT NULL, software_version TEXT NOT NULL, received_at INTEGER NOT NULL, PRIMARY KEY (agent_id, sequence));
            CREATE TABLE cells (agent_id TEXT NOT NULL, sequence INTEGER NOT NULL, pool TEXT NOT NULL, template_provider TEXT NOT NULL,
                vendor TEXT NOT NULL, model TEXT NOT NULL, health INTEGER NOT NULL, miners INTEGER NOT NULL, hashrate_ths REAL NOT NULL, power_w REAL NOT NULL,
                power_miners INTEGER NOT NULL, accepted INTEGER NOT NULL, rejected INTEGER NOT NULL, confidence REAL NOT NULL);
            CREATE INDEX cells_report ON cells (agent_id, sequence);
            INSERT INTO reports VALUES ('old-a', 1, 1000, 1060, 'CA', 1, 'v0', 0), ('old-b', 7, 1000, 1060, 'NO', 1, 'v0', 0);
            INSERT INTO cells VALUES ('old-a', 1, 'foundryusa', 'foundryusa', 'Bitmain', 'S21', 1, 10, 300, 0, 0, 0, 0, 0.9),
                                     ('old-a', 1, 'antpool', 'antpool', 'Bitmain', 'S21', 1, 5, 100, 0, 0, 0, 0, 0.9),
                                     ('old-b', 7, 'foundryusa', 'foundryusa', 'Bitmain', 'S21', 1, 4, 50, 0, 0, 0, 0, 0.9);
            """);

        using (var store = new ReportStore(Options.Create(new AggregatorOptions { DatabasePath = path, EnrolmentToken = AggregatorHost.Token })))
        {
            var byPool = await store.HashrateByAsync(Dimension.Pool, 1000, 1001, CancellationToken.None);
            Assert.Equal(350, byPool.Where(c => c.Entity == "foundryusa").Sum(c => c.Value));
            Assert.Equal(100, byPool.Single(c => c.Entity == "antpool").Value);
            Assert.True(await store.StoreAsync(ReportBuilder.Report("new-c", 1, ReportBuilder.Cell("viabtc", 70)), DateTimeOffset.UtcNow, CancellationToken.None));
        }

        var row = Row(path, """
            SELECT (SELECT COUNT(*) FROM pragma_index_list('cells')),
                   (SELECT group_concat(place) FROM (SELECT c.cell_id - r.rowid * 65536 AS place FROM cells c
                        JOIN reports r ON r.agent_id = c.agent_id AND r.sequence = c.sequence ORDER BY c.cell_id))
            """);
        Assert.Equal(0L, row[0]); // keyed by report: no index of their own
        Assert.Equal("0,1,0,0", row[1]); // old-a's two cells, old-b's one, new-c's one
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }

    [Fact]
    public async Task CellsPointingAtTheirReportByColumn_AreKeyedByReport_AndStillCount()
    {
        // The cells of issue 17 until they were keyed: a report_id column (rowids 5 and 9) and an index on it.
        var path = OldFile("""
            CREATE TABLE reports (agent_id TEXT NOT NULL, sequence INTEGER NOT NULL, window_start INTEGER NOT NULL, window_end INTEGER NOT NULL,
                region TEXT NOT NULL, kind INTEGER NOT NULL, software_version TEXT NOT NULL, received_at INTEGER NOT NULL, agents_behind INTEGER NOT NULL DEFAULT 0);
            CREATE INDEX reports_window ON reports (window_start);
            CREATE TABLE agent_activity (agent_id TEXT PRIMARY KEY, reports INTEGER NOT NULL, last_received_at INTEGER NOT NULL, last_sequence INTEGER NOT NULL,
                agents_behind INTEGER NOT NULL) WITHOUT ROWID;
            CREATE TABLE cells (agent_id TEXT NOT NULL, sequence INTEGER NOT NULL, pool TEXT NOT NULL, template_provider TEXT NOT NULL,
                vendor TEXT NOT NULL, model TEXT NOT NULL, health INTEGER NOT NULL, miners INTEGER NOT NULL, hashrate_ths REAL NOT NULL, power_w REAL NOT NULL,
                power_miners INTEGER NOT NULL, accepted INTEGER NOT NULL, rejected INTEGER NOT NULL, confidence REAL NOT NULL, report_id INTEGER,
                share_ths REAL NOT NULL DEFAULT 0, share_count INTEGER NOT NULL DEFAULT 0, share_miners INTEGER NOT NULL DEFAULT 0,
                share_api_ths REAL NOT NULL DEFAULT 0, agents INTEGER NOT NULL DEFAULT 1, hashrate_seconds REAL NOT NULL DEFAULT 0);
            CREATE INDEX cells_by_report ON cells (report_id);
            INSERT INTO reports (rowid, agent_id, sequence, window_start, window_end, region, kind, software_version, received_at) VALUES
                (5, 'old-a', 1, 1000, 1060, 'CA', 1, 'v0', 5000), (9, 'old-b', 4, 1000, 1060, 'NO', 1, 'v0', 5000);
            INSERT INTO agent_activity VALUES ('old-a', 1, 5000, 1, 0), ('old-b', 1, 5000, 4, 0);
            INSERT INTO cells (agent_id, sequence, pool, template_provider, vendor, model, health, miners, hashrate_ths, power_w, power_miners, accepted,
                rejected, confidence, report_id) VALUES
                ('old-b', 4, 'foundryusa', 'foundryusa', 'Bitmain', 'S21', 1, 4, 50, 0, 0, 0, 0, 0.9, 9),
                ('old-a', 1, 'foundryusa', 'foundryusa', 'Bitmain', 'S21', 1, 10, 300, 0, 0, 0, 0, 0.9, 5),
                ('old-a', 1, 'antpool', 'antpool', 'Bitmain', 'S21', 1, 5, 100, 0, 0, 0, 0, 0.9, 5);
            """);

        using (var store = new ReportStore(Options.Create(new AggregatorOptions { DatabasePath = path, EnrolmentToken = AggregatorHost.Token })))
        {
            var byPool = await store.HashrateByAsync(Dimension.Pool, 1000, 1001, CancellationToken.None);
            Assert.Equal(350, byPool.Where(c => c.Entity == "foundryusa").Sum(c => c.Value));
            Assert.Equal(100, byPool.Single(c => c.Entity == "antpool").Value);
        }

        Assert.Equal($"{5 * 65536}:foundryusa {(5 * 65536) + 1}:antpool {9 * 65536}:foundryusa",
            Row(path, "SELECT group_concat(cell_id || ':' || pool, ' ') FROM (SELECT cell_id, pool FROM cells ORDER BY cell_id)")[0]);
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }

    [Fact]
    public async Task TheAgentFirstReportKey_IsDropped_KeepingRowids_AndTheAgentsActivity()
    {
        // The layout of issue 16: every column of today, the key on (agent_id, sequence). Rowids 5, 9 and 12 are
        // what the cells and the roll-ups' watermark point at.
        var path = OldFile("""
            CREATE TABLE agents (agent_id TEXT PRIMARY KEY, key_hash TEXT NOT NULL UNIQUE, region TEXT NOT NULL, kind INTEGER NOT NULL, enrolled_at INTEGER NOT NULL);
            CREATE TABLE reports (agent_id TEXT NOT NULL, sequence INTEGER NOT NULL, window_start INTEGER NOT NULL, window_end INTEGER NOT NULL,
                region TEXT NOT NULL, kind INTEGER NOT NULL, software_version TEXT NOT NULL, received_at INTEGER NOT NULL,
                agents_behind INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (agent_id, sequence));
            CREATE INDEX reports_window ON reports (window_start);
            INSERT INTO agents VALUES ('old-a', 'ha', 'CA', 1, 0), ('old-r', 'hr', 'NO', 4, 0);
            INSERT INTO reports (rowid, agent_id, sequence, window_start, window_end, region, kind, software_version, received_at, agents_behind) VALUES
                (5, 'old-a', 1, 1000, 1060, 'CA', 1, 'v0', 5000, 0), (9, 'old-r', 9, 1600, 2200, 'NO', 4, 'v0', 8000, 90),
                (12, 'old-r', 8, 1000, 1600, 'NO', 4, 'v0', 7000, 80);
            """);

        using (var store = new ReportStore(Options.Create(new AggregatorOptions { DatabasePath = path, EnrolmentToken = AggregatorHost.Token })))
        {
            var agents = (await store.ListAgentsAsync(CancellationToken.None)).ToDictionary(a => a.AgentId);
            Assert.Equal((1ul, 5000L), (agents["old-a"].Reports, agents["old-a"].LastReport.ToDateTimeOffset().ToUnixTimeMilliseconds()));
            Assert.Equal((2ul, 90u), (agents["old-r"].Reports, agents["old-r"].AgentsBehind)); // the latest sequence's
            Assert.False(await store.StoreAsync(ReportBuilder.Report("old-a", 1, ReportBuilder.Cell("viabtc", 70)), DateTimeOffset.UtcNow, CancellationToken.None));
            Assert.True(await store.StoreAsync(ReportBuilder.Report("old-a", 2, ReportBuilder.Cell("viabtc", 70)), DateTimeOffset.UtcNow, CancellationToken.None));
        }

        var row = Row(path, """
            SELECT (SELECT group_concat(name) FROM pragma_index_list('reports')),
                   (SELECT group_concat(rowid || ':' || agent_id || '/' || sequence, ' ') FROM (SELECT rowid, agent_id, sequence FROM reports ORDER BY rowid))
            """);
        Assert.Equal("reports_window", row[0]);
        Assert.Equal("5:old-a/1 9:old-r/9 12:old-r/8 13:old-a/2", row[1]);
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }

    [Fact]
    public async Task TheTimeFirstReportKey_IsDropped_KeepingRowids_TheActivityAsItWas_AndResendsStillKnown()
    {
        // The layout of issue 17 until the key was dropped: the key on (window_start, agent_id, sequence) and the
        // agents' activity beside it, which the rebuild leaves alone (its row for old-a says 3 reports: kept, not recounted).
        var path = OldFile("""
            CREATE TABLE agents (agent_id TEXT PRIMARY KEY, key_hash TEXT NOT NULL UNIQUE, region TEXT NOT NULL, kind INTEGER NOT NULL, enrolled_at INTEGER NOT NULL);
            CREATE TABLE reports (agent_id TEXT NOT NULL, sequence INTEGER NOT NULL, window_start INTEGER NOT NULL, window_end INTEGER NOT NULL,
                region TEXT NOT NULL, kind INTEGER NOT NULL, software_version TEXT NOT NULL, received_at INTEGER NOT NULL,
                agents_behind INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (window_start, agent_id, sequence));
            CREATE TABLE agent_activity (agent_id TEXT PRIMARY KEY, reports INTEGER NOT NULL, last_received_at INTEGER NOT NULL, last_sequence INTEGER NOT NULL,
                agents_behind INTEGER NOT NULL) WITHOUT ROWID;
            INSERT INTO agents VALUES ('old-a', 'ha', 'CA', 1, 0);
            INSERT INTO reports (rowid, agent_id, sequence, window_start, window_end, region, kind, software_version, received_at, agents_behind) VALUES
                (3, 'old-a', 1, 1000, 1060, 'CA', 1, 'v0', 5000, 0), (4, 'old-a', 2, 1060, 1120, 'CA', 1, 'v0', 6000, 0);
            INSERT INTO agent_activity VALUES ('old-a', 3, 6000, 2, 0);
            """);

        using (var store = new ReportStore(Options.Create(new AggregatorOptions { DatabasePath = path, EnrolmentToken = AggregatorHost.Token })))
        {
            Assert.Equal(3ul, (await store.ListAgentsAsync(CancellationToken.None)).Single().Reports);
            Assert.False(await store.StoreAsync(ReportBuilder.Report("old-a", 2, ReportBuilder.Cell("viabtc", 70)), DateTimeOffset.UtcNow, CancellationToken.None));
            Assert.True(await store.StoreAsync(ReportBuilder.Report("old-a", 3, ReportBuilder.Cell("viabtc", 70)), DateTimeOffset.UtcNow, CancellationToken.None));
            Assert.False(await store.StoreAsync(ReportBuilder.Report("old-a", 3, ReportBuilder.Cell("viabtc", 70)), DateTimeOffset.UtcNow, CancellationToken.None));
        }

        var row = Row(path, """
            SELECT (SELECT group_concat(name) FROM pragma_index_list('reports')),
                   (SELECT group_concat(rowid || ':' || sequence, ' ') FROM (SELECT rowid, sequence FROM reports ORDER BY rowid)),
                   (SELECT reports FROM agent_activity WHERE agent_id = 'old-a')
            """);
        Assert.Equal("reports_window", row[0]);
        Assert.Equal("3:1 4:2 5:3", row[1]);
        Assert.Equal(4L, row[2]);
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }

    /// <summary>One row of <paramref name="sql"/> on the file, read once every pooled connection to it is closed.</summary>
    private static object[] Row(string path, string sql)
    {
        SqliteConnection.ClearAllPools();
        using var check = new SqliteConnection($"Data Source={path};Pooling=false");
        check.Open();
        using var command = check.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        var values = new object[reader.FieldCount];
        reader.GetValues(values);
        return values;
    }

    /// <summary>A database file in a folder of its own, as an older aggregator left it: <paramref name="sql"/>.</summary>
    private static string OldFile(string sql)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("edgefed-migrate-").FullName, "aggregator.db");
        using var old = new SqliteConnection($"Data Source={path};Pooling=false");
        old.Open();
        using var command = old.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
        return path;
    }
}
