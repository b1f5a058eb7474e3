namespace EdgeFed.Aggregator.Storage;

/// <summary>
/// The aggregator's SQLite schema. Reports are a rowid table with one index, on their window: a report's rowid only
/// grows and the windows arrive in order, so each commit appends to both. A key on (window, agent, sequence), which
/// this replaced, put a thousand agents' reports of the same window in agent order, so each report of a commit went to
/// a page of its own (measured: 74 WAL frames per commit of 60 reports against 27). Per agent, the agents list and
/// whether a report is a resend come from <c>agent_activity</c> (one row per agent, written in the same transaction by
/// the one writer), so (agent, sequence) needs no index to stay unique.
/// <para>
/// synchronous=FULL: an acknowledged report survives a power cut. Any connection that opens the file would checkpoint
/// every 8192 pages (32 MiB); the store's writer turns that off and leaves the WAL to <see cref="WalCheckpointer"/>,
/// off the write path. journal_size_limit truncates a WAL that grew past 64 MiB once a checkpoint has caught up.
/// </para>
/// </summary>
internal static class Schema
{
    /// <summary>The reports table's columns, for new files and for the rebuild of old ones.</summary>
    private const string ReportsColumns =
        "agent_id TEXT NOT NULL, sequence INTEGER NOT NULL, window_start INTEGER NOT NULL, window_end INTEGER NOT NULL, " +
        "region TEXT NOT NULL, kind INTEGER NOT NULL, software_version TEXT NOT NULL, received_at INTEGER NOT NULL, " +
        "agents_behind INTEGER NOT NULL DEFAULT 0";

    /// <summary>
    /// A cell's rowid is its report's rowid × <see cref="CellsPerReport"/> plus its place in the report, so a report's
    /// cells are one range of the table's own key and need no index of their own (which cost ~5 of a commit's 27 WAL
    /// frames). The SQL that joins them to their report is <see cref="CellsOfReport"/>.
    /// </summary>
    public const int CellsPerReport = 65_536;

    /// <summary>The join of a report <c>r</c> to its cells <c>c</c>: a range of the cells' rowid.</summary>
    public static readonly string CellsOfReport = $"c.cell_id BETWEEN r.rowid * {CellsPerReport} AND r.rowid * {CellsPerReport} + {CellsPerReport - 1}";

    private const string CellsColumns =
        "cell_id INTEGER PRIMARY KEY, agent_id TEXT NOT NULL, sequence INTEGER NOT NULL, pool TEXT NOT NULL, template_provider TEXT NOT NULL, " +
        "vendor TEXT NOT NULL, model TEXT NOT NULL, health INTEGER NOT NULL, miners INTEGER NOT NULL, hashrate_ths REAL NOT NULL, power_w REAL NOT NULL, " +
        "power_miners INTEGER NOT NULL, accepted INTEGER NOT NULL, rejected INTEGER NOT NULL, confidence REAL NOT NULL, " +
        "share_ths REAL NOT NULL DEFAULT 0, share_count INTEGER NOT NULL DEFAULT 0, share_miners INTEGER NOT NULL DEFAULT 0, " +
        "share_api_ths REAL NOT NULL DEFAULT 0, agents INTEGER NOT NULL DEFAULT 1, hashrate_seconds REAL NOT NULL DEFAULT 0";

    public const string Sql = $"""
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = FULL;
        PRAGMA busy_timeout = 5000;
        PRAGMA wal_autocheckpoint = 8192;
        PRAGMA journal_size_limit = 67108864;
        CREATE TABLE IF NOT EXISTS agents (
            agent_id TEXT PRIMARY KEY, key_hash TEXT NOT NULL UNIQUE, region TEXT NOT NULL, kind INTEGER NOT NULL,
            enrolled_at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS reports ({ReportsColumns});
        CREATE TABLE IF NOT EXISTS agent_activity (
            agent_id TEXT PRIMARY KEY, reports INTEGER NOT NULL, last_received_at INTEGER NOT NULL, last_sequence INTEGER NOT NULL,
            agents_behind INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS cells ({CellsColumns});
        CREATE TABLE IF NOT EXISTS block_sightings (
            block_hash TEXT NOT NULL, agent_id TEXT NOT NULL, height INTEGER NOT NULL, pool TEXT NOT NULL, method TEXT NOT NULL,
            block_time INTEGER NOT NULL, difficulty REAL NOT NULL DEFAULT 0, tx_count INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (block_hash, agent_id));
        CREATE INDEX IF NOT EXISTS block_sightings_time ON block_sightings (block_time);
        CREATE INDEX IF NOT EXISTS block_sightings_height ON block_sightings (height);
        CREATE TABLE IF NOT EXISTS alerts (
            id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, subject TEXT NOT NULL, period TEXT NOT NULL,
            message TEXT NOT NULL, evidence TEXT NOT NULL, raised_at INTEGER NOT NULL, UNIQUE (kind, subject, period));
        CREATE TABLE IF NOT EXISTS upstream_outbox (
            sequence INTEGER PRIMARY KEY, window_start INTEGER NOT NULL, report BLOB NOT NULL, acked INTEGER NOT NULL DEFAULT 0);
        """;

    /// <summary>
    /// The roll-ups' own file (<c>NAME.rollups.db</c> beside the store): written by another connection than ingest, so
    /// rolling never holds the store's write lock; synchronous=NORMAL, because the roll-ups and their watermark commit
    /// together and a lost tail is rolled again from the reports.
    /// </summary>
    public const string RollupSql = """
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = NORMAL;
        PRAGMA busy_timeout = 5000;
        CREATE TABLE IF NOT EXISTS rollup_cells (
            level INTEGER NOT NULL, bucket INTEGER NOT NULL, agent_id TEXT NOT NULL, region TEXT NOT NULL, pool TEXT NOT NULL,
            template_provider TEXT NOT NULL, vendor TEXT NOT NULL, model TEXT NOT NULL, health INTEGER NOT NULL,
            hashrate_ths REAL NOT NULL, weighted_ths REAL NOT NULL, share_ths REAL NOT NULL, share_count INTEGER NOT NULL,
            share_api_ths REAL NOT NULL, disagreeing INTEGER NOT NULL, agents INTEGER NOT NULL DEFAULT 1,
            PRIMARY KEY (level, bucket, agent_id, region, pool, template_provider, vendor, model, health)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS rollup_reports (
            level INTEGER NOT NULL, bucket INTEGER NOT NULL, agent_id TEXT NOT NULL, kind INTEGER NOT NULL, reports INTEGER NOT NULL,
            PRIMARY KEY (level, bucket, agent_id, kind)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS rollup_state (id INTEGER PRIMARY KEY CHECK (id = 1), last_report INTEGER NOT NULL);
        INSERT OR IGNORE INTO rollup_state (id, last_report) VALUES (1, 0);
        """;

    /// <summary>One roll-up chunk at the finest level, in memory on the rolling connection.</summary>
    public const string RollupChunkSql = """
        PRAGMA temp_store = MEMORY;
        CREATE TEMP TABLE IF NOT EXISTS chunk_cells (
            bucket INTEGER, agent_id TEXT, region TEXT, pool TEXT, template_provider TEXT, vendor TEXT, model TEXT, health INTEGER,
            hashrate_ths REAL, weighted_ths REAL, share_ths REAL, share_count INTEGER, share_api_ths REAL, disagreeing INTEGER, agents INTEGER);
        CREATE TEMP TABLE IF NOT EXISTS chunk_reports (bucket INTEGER, agent_id TEXT, kind INTEGER, reports INTEGER);
        """;

    private const string Indexes = """
        CREATE INDEX IF NOT EXISTS reports_window ON reports (window_start);
        """;

    public static void Migrate(Microsoft.Data.Sqlite.SqliteConnection connection)
    {
        using var probe = connection.CreateCommand();
        probe.CommandText = "SELECT COUNT(*) FROM pragma_table_info('cells') WHERE name IN ('report_id', 'cell_id')";
        if ((long)probe.ExecuteScalar()! == 0)
        {
            using var migrate = connection.CreateCommand();
            migrate.CommandText = """
                BEGIN;
                ALTER TABLE cells ADD COLUMN report_id INTEGER;
                UPDATE cells SET report_id = (SELECT r.rowid FROM reports r WHERE r.agent_id = cells.agent_id AND r.sequence = cells.sequence);
                COMMIT;
                """;
            migrate.ExecuteNonQuery();
        }

        // Share-based hashrate (issue 14), the blocks' difficulty and transaction count (issue 15) and the agents
        // behind a regional aggregator's cell (issue 16): files made before them get the columns.
        foreach (var (table, column, type) in new[]
                 {
                     ("cells", "share_ths", "REAL"), ("cells", "share_count", "INTEGER"), ("cells", "share_miners", "INTEGER"), ("cells", "share_api_ths", "REAL"),
                     ("block_sightings", "difficulty", "REAL"), ("block_sightings", "tx_count", "INTEGER"), ("cells", "agents", "INTEGER NOT NULL DEFAULT 1"),
                     ("cells", "hashrate_seconds", "REAL"), ("reports", "agents_behind", "INTEGER"),
                 })
        {
            AddColumn(connection, table, column, type);
        }

        DropTheReportsKey(connection);
        KeyTheCellsByReport(connection);
        using var index = connection.CreateCommand();
        index.CommandText = Indexes;
        index.ExecuteNonQuery();
    }

    /// <summary>
    /// Files made with a key on the reports ((agent_id, sequence) before issue 17, then (window_start, agent_id, sequence))
    /// are rebuilt without it, every row keeping its rowid (the cells and the roll-ups' watermark point at it). Under
    /// the agent-first key the agents' activity did not exist yet: it is counted first, while that key can still
    /// answer per agent. One transaction: a crash leaves the old file as it was.
    /// </summary>
    private static void DropTheReportsKey(Microsoft.Data.Sqlite.SqliteConnection connection)
    {
        using var probe = connection.CreateCommand();
        probe.CommandText = "SELECT name FROM pragma_index_info('sqlite_autoindex_reports_1') WHERE seqno = 0";
        if (probe.ExecuteScalar() is not string firstKeyColumn)
        {
            return;
        }

        const string columns = "agent_id, sequence, window_start, window_end, region, kind, software_version, received_at, agents_behind";
        const string countActivity = """
            INSERT OR REPLACE INTO agent_activity (agent_id, reports, last_received_at, last_sequence, agents_behind)
                SELECT r.agent_id, COUNT(*), MAX(r.received_at), MAX(r.sequence),
                    (SELECT l.agents_behind FROM reports l WHERE l.agent_id = r.agent_id ORDER BY l.sequence DESC LIMIT 1)
                FROM reports r GROUP BY r.agent_id;
            """;
        using var rebuild = connection.CreateCommand();
        rebuild.CommandText = $"""
            BEGIN;
            {(firstKeyColumn == "agent_id" ? countActivity : string.Empty)}
            CREATE TABLE reports_unkeyed ({ReportsColumns});
            INSERT INTO reports_unkeyed (rowid, {columns}) SELECT rowid, {columns} FROM reports ORDER BY rowid;
            DROP TABLE reports;
            ALTER TABLE reports_unkeyed RENAME TO reports;
            CREATE INDEX reports_window ON reports (window_start);
            COMMIT;
            """;
        rebuild.ExecuteNonQuery();
    }

    /// <summary>
    /// Files whose cells pointed at their report by a <c>report_id</c> column and an index on it (issue 17 until the
    /// cells were keyed by report) are rebuilt with the key, each report's cells numbered in the order they were
    /// stored. One transaction: a crash leaves the old file as it was.
    /// </summary>
    private static void KeyTheCellsByReport(Microsoft.Data.Sqlite.SqliteConnection connection)
    {
        using var probe = connection.CreateCommand();
        probe.CommandText = "SELECT COUNT(*) FROM pragma_table_info('cells') WHERE name = 'report_id'";
        if ((long)probe.ExecuteScalar()! == 0)
        {
            return;
        }

        const string columns = "agent_id, sequence, pool, template_provider, vendor, model, health, miners, hashrate_ths, power_w, power_miners, accepted, " +
            "rejected, confidence, share_ths, share_count, share_miners, share_api_ths, agents, hashrate_seconds";
        using var rebuild = connection.CreateCommand();
        rebuild.CommandText = $"""
            BEGIN;
            CREATE TABLE cells_keyed ({CellsColumns});
            INSERT INTO cells_keyed (cell_id, {columns})
                SELECT report_id * {CellsPerReport} + ROW_NUMBER() OVER (PARTITION BY report_id ORDER BY rowid) - 1, {columns}
                FROM cells WHERE report_id IS NOT NULL ORDER BY 1;
            DROP TABLE cells;
            ALTER TABLE cells_keyed RENAME TO cells;
            COMMIT;
            """;
        rebuild.ExecuteNonQuery();
    }

    public static void MigrateRollups(Microsoft.Data.Sqlite.SqliteConnection connection) =>
        AddColumn(connection, "rollup_cells", "agents", "INTEGER NOT NULL DEFAULT 1");

    private static void AddColumn(Microsoft.Data.Sqlite.SqliteConnection connection, string table, string column, string type)
    {
        using var has = connection.CreateCommand();
        has.CommandText = $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = '{column}'";
        if ((long)has.ExecuteScalar()! == 0)
        {
            using var add = connection.CreateCommand();
            add.CommandText = $"ALTER TABLE {table} ADD COLUMN {column} {(type.Contains("DEFAULT", StringComparison.Ordinal) ? type : type + " NOT NULL DEFAULT 0")}";
            add.ExecuteNonQuery();
        }
    }
}
