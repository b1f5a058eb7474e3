using System.Data.Common;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace EdgeFed.Aggregator.Storage;

/// <summary>
/// The embedded store: one SQLite file (WAL, synchronous=FULL) written by one connection, read by pooled ones, and
/// the roll-ups in a file of their own beside it (<c>NAME.rollups.db</c>) written by another connection, so rolling
/// never holds the store's write lock. The WAL is checkpointed by a connection of its own (<see cref="WalCheckpointer"/>),
/// never inside a commit. A single process owns the file, so it leads every role.
/// </summary>
internal sealed class SqliteBackend : StoreBackend
{
    private readonly SqliteConnection _writer;
    private readonly SqliteThread _writerThread = new("edgefed-sqlite-writer");
    private readonly string _connectionString;
    private readonly SqliteConnection _roller;
    // At the lowest CPU priority: no ack waits for the roll-ups, and their ~0.1-s chunks on a core of two slowed the
    // writer's catch-up after every GC pause (the half-rate ack tail; BackgroundPriority).
    private readonly SqliteThread _rollerThread = new("edgefed-sqlite-rollups", background: true);
    private readonly string _rollupPath;
    private readonly WalCheckpointer _checkpointer;
    private readonly SqliteReportWriter _inserts;

    public SqliteBackend(string databasePath)
    {
        SqliteLibrary.Configure();
        var path = Path.GetFullPath(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();
        _writer = new SqliteConnection(_connectionString);
        _writer.Open();
        Execute(_writer, null, Schema.Sql);
        Schema.Migrate(_writer);
        Execute(_writer, null, "PRAGMA wal_autocheckpoint = 0"); // the checkpointer below does it, off the write path
        _inserts = new SqliteReportWriter(_writer);
        _checkpointer = new WalCheckpointer(_connectionString, TimeSpan.FromMilliseconds(500));
        _rollupPath = RollupPathOf(path);
        _roller = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _rollupPath, Pooling = false }.ToString());
        _roller.Open();
        Execute(_roller, null, Schema.RollupSql);
        Schema.MigrateRollups(_roller);
        Execute(_roller, null, "ATTACH DATABASE $path AS raw", ("$path", path));
        Execute(_roller, null, Schema.RollupChunkSql);
    }

    public override string ReportId => "rowid";

    public override string CellsOfReport => Schema.CellsOfReport;

    // One writer commits reports in rowid order, so the roll-ups' watermark is the last rowid they hold.
    public override string PastWatermark => "r.rowid > (SELECT last_report FROM rollup_state WHERE id = 1)";

    public override string Greatest => "MAX";

    public override string VersionSql =>
        "SELECT (SELECT IFNULL(MAX(rowid), 0) FROM reports), (SELECT IFNULL(MAX(rowid), 0) FROM block_sightings), (SELECT IFNULL(MAX(id), 0) FROM alerts)";

    /// <summary>The roll-ups' file beside the store: <c>aggregator.db</c> → <c>aggregator.rollups.db</c>.</summary>
    public static string RollupPathOf(string databasePath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(databasePath))!, Path.GetFileNameWithoutExtension(databasePath) + ".rollups.db");

    /// <summary>A reader on the store with the roll-ups attached (a pooled connection keeps its attachment).</summary>
    public override async Task<DbConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        using var attached = Command(connection, null, "SELECT COUNT(*) FROM pragma_database_list WHERE name = 'rollups'");
        if ((long)(await attached.ExecuteScalarAsync(cancellationToken))! == 0)
        {
            using var attach = Command(connection, null, "ATTACH DATABASE $path AS rollups", ("$path", _rollupPath));
            await attach.ExecuteNonQueryAsync(cancellationToken);
        }

        return connection;
    }

    /// <summary>
    /// On the writer thread, batch after batch while reports are waiting and nothing else is queued for the connection:
    /// a turn per batch, handed to the pool between two commits and back, left the writer waiting to be scheduled again
    /// (measured flat out: 1.7 ms of each 11 ms commit cycle, with both cores busy).
    /// </summary>
    public override Task CommitQueuedAsync(ChannelReader<PendingWrite> queue, List<PendingWrite> batch, int maxBatch, BatchCommitted committed) =>
        _writerThread.RunAsync(() =>
        {
            while (!_writerThread.HasOtherWork && Take(queue, batch, maxBatch) > 0)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    var stored = WriteBatch(batch);
                    committed(batch, stored, null, Stopwatch.GetElapsedTime(started));
                }
                catch (Exception ex) when (ReportStore.IsStoreError(ex))
                {
                    committed(batch, null, ex, Stopwatch.GetElapsedTime(started));
                }
            }

            return true;
        });

    private bool[] WriteBatch(IReadOnlyList<PendingWrite> batch)
    {
        if (_checkpointer.TakeCatchUpRequest())
        {
            // Between two batches no write is open, so this copies the frames the checkpointer has not (a few
            // milliseconds' worth) and the next commit starts the WAL over instead of growing it.
            Execute(_writer, null, "PRAGMA wal_checkpoint(PASSIVE)");
        }

        using var tx = _writer.BeginTransaction();
        var stored = new bool[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            stored[i] = _inserts.Insert(batch[i].Report, batch[i].ReceivedAt);
        }

        tx.Commit();
        return stored;
    }

    public override Task<int> ExecuteWriteAsync(string sql, (string Name, object Value)[] parameters, CancellationToken cancellationToken) =>
        _writerThread.RunAsync(() =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var command = Command(_writer, null, sql, parameters);
            return command.ExecuteNonQuery();
        });

    /// <summary>
    /// Rolls the reports after the watermark (by rowid) on the roll-ups' own connection, the store attached for
    /// reading, so ingest's commits never wait for it; the watermark commits with the sums.
    /// </summary>
    public override Task<int> RollUpAsync(int maxReports, CancellationToken cancellationToken) =>
        _rollerThread.RunAsync(() => RollUp(maxReports, cancellationToken));

    private int RollUp(int maxReports, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();

        // Deferred: Microsoft.Data.Sqlite's default BEGIN IMMEDIATE takes the write lock of every attached file,
        // the store's too, and each group commit then slept in SQLite's busy handler until the chunk was rolled
        // (measured: the ingest p99 ack at half rate was 108 ms with it, 43 ms without). Only the roller writes
        // the roll-ups' file, so its first write never finds the snapshot stale.
        using var tx = _roller.BeginTransaction(deferred: true);
        long last, upto;
        using (var bounds = Command(_roller, tx,
                   "SELECT last_report, MIN((SELECT IFNULL(MAX(rowid), 0) FROM reports), last_report + $max) FROM rollup_state WHERE id = 1", ("$max", (long)maxReports)))
        using (var reader = bounds.ExecuteReader())
        {
            reader.Read();
            (last, upto) = (reader.GetInt64(0), reader.GetInt64(1));
        }

        if (upto <= last)
        {
            return 0;
        }

        const string chunk = "r.rowid > $last AND r.rowid <= $upto";
        (string, object)[] range = [("$last", last), ("$upto", upto)];
        Execute(_roller, tx, "DELETE FROM temp.chunk_cells; DELETE FROM temp.chunk_reports;");
        Execute(_roller, tx, "INSERT INTO temp.chunk_cells " + RollupSql.ChunkCells(chunk, CellsOfReport), range);
        Execute(_roller, tx, "INSERT INTO temp.chunk_reports " + RollupSql.ChunkReports(chunk), range);
        foreach (var statement in RollupSql.AddChunkToLevels(Greatest))
        {
            Execute(_roller, tx, statement);
        }

        Execute(_roller, tx, "UPDATE rollup_state SET last_report = $upto WHERE id = 1", ("$upto", upto));
        tx.Commit();
        return (int)(upto - last);
    }

    public override Task<bool> TryLeadAsync(string role, CancellationToken cancellationToken) => Task.FromResult(true);

    public override void Dispose()
    {
        _writerThread.Dispose(); // finishes what is queued first
        _rollerThread.Dispose();
        _checkpointer.Dispose();
        _inserts.Dispose();
        _writer.Dispose();
        _roller.Dispose();
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? tx, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(connection, tx, sql, parameters);
        command.ExecuteNonQuery();
    }
}
