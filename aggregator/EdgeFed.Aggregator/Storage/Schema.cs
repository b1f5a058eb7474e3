namespace EdgeFed.Aggregator.Storage;

/// <summary>The aggregator's SQLite schema. synchronous=FULL: an acknowledged report survives a power cut.</summary>
internal static class Schema
{
    public const string Sql = """
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = FULL;
        PRAGMA busy_timeout = 5000;
        CREATE TABLE IF NOT EXISTS agents (
            agent_id TEXT PRIMARY KEY, key_hash TEXT NOT NULL UNIQUE, region TEXT NOT NULL, kind INTEGER NOT NULL,
            enrolled_at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS reports (
            agent_id TEXT NOT NULL, sequence INTEGER NOT NULL, window_start INTEGER NOT NULL, window_end INTEGER NOT NULL,
            region TEXT NOT NULL, kind INTEGER NOT NULL, software_version TEXT NOT NULL, received_at INTEGER NOT NULL,
            PRIMARY KEY (agent_id, sequence));
        CREATE INDEX IF NOT EXISTS reports_window ON reports (window_start);
        CREATE TABLE IF NOT EXISTS cells (
            agent_id TEXT NOT NULL, sequence INTEGER NOT NULL, pool TEXT NOT NULL, template_provider TEXT NOT NULL,
            vendor TEXT NOT NULL, model TEXT NOT NULL, health INTEGER NOT NULL, miners INTEGER NOT NULL,
            hashrate_ths REAL NOT NULL, power_w REAL NOT NULL, power_miners INTEGER NOT NULL, accepted INTEGER NOT NULL,
            rejected INTEGER NOT NULL, confidence REAL NOT NULL);
        CREATE INDEX IF NOT EXISTS cells_report ON cells (agent_id, sequence);
        CREATE TABLE IF NOT EXISTS block_sightings (
            block_hash TEXT NOT NULL, agent_id TEXT NOT NULL, height INTEGER NOT NULL, pool TEXT NOT NULL, method TEXT NOT NULL,
            block_time INTEGER NOT NULL, PRIMARY KEY (block_hash, agent_id));
        CREATE INDEX IF NOT EXISTS block_sightings_time ON block_sightings (block_time);
        CREATE TABLE IF NOT EXISTS alerts (
            id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, subject TEXT NOT NULL, period TEXT NOT NULL,
            message TEXT NOT NULL, evidence TEXT NOT NULL, raised_at INTEGER NOT NULL, UNIQUE (kind, subject, period));
        """;
}
