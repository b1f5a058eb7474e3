using EdgeFed.Protocol.V1;
using Google.Protobuf;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeFed.Agent.Outbox;

/// <summary>A report waiting in the outbox, as serialised when its window closed.</summary>
public sealed record PendingReport(ulong Sequence, byte[] Payload)
{
    public AggregateReport Report => AggregateReport.Parser.ParseFrom(Payload);
}

/// <summary>
/// Store-and-forward: every closed window's report is written here (SQLite, WAL, synchronous=FULL) before anything
/// is sent, and leaves only when the aggregator acknowledges its sequence number. Bounded by count and bytes: when
/// full, the oldest reports are dropped and counted, never a crash. A report the aggregator rejects as invalid moves
/// to <c>rejected</c> with the reason instead of blocking the queue. A file that is not a readable database is moved
/// aside with a log line and a fresh outbox starts. A full disk loses the new report (counted), not the agent.
/// </summary>
public sealed class ReportOutbox : IDisposable
{
    public const string FileName = "outbox.db";
    private readonly Lock _lock = new();
    private readonly SqliteConnection _connection;
    private readonly OutboxOptions _options;
    private readonly ILogger<ReportOutbox> _logger;
    private readonly SemaphoreSlim _arrived = new(0);

    public ReportOutbox(IOptions<AgentOptions> agent, IOptions<OutboxOptions> options, ILogger<ReportOutbox> logger)
    {
        _options = options.Value;
        _logger = logger;
        Directory.CreateDirectory(agent.Value.StateDirectory);
        var path = Path.Combine(agent.Value.StateDirectory, FileName);
        try
        {
            _connection = Open(path, _options.MaxFileBytes);
        }
        catch (SqliteException ex)
        {
            var aside = $"{path}.corrupt-{DateTime.UtcNow:yyyyMMddTHHmmssZ}";
            foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
            {
                if (File.Exists(path + suffix))
                {
                    File.Move(path + suffix, aside + suffix);
                }
            }

            Log.OutboxMovedAside(logger, path, aside, ex.Message);
            _connection = Open(path, _options.MaxFileBytes);
        }
    }

    /// <summary>Reports dropped so far because the outbox was full or the disk was (durable counter).</summary>
    public long Dropped => Counter("dropped");

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return (int)Scalar("SELECT count(*) FROM outbox");
            }
        }
    }

    /// <summary>Stores a report; returns false when it could not be stored (disk full), which is logged and counted.</summary>
    public bool Enqueue(AggregateReport report)
    {
        var payload = report.ToByteArray();
        lock (_lock)
        {
            try
            {
                using var transaction = _connection.BeginTransaction();
                Execute("INSERT INTO outbox (sequence, payload) VALUES ($s, $p)", ("$s", (long)report.Sequence), ("$p", payload));
                if (report.Blocks.MaxBy(b => b.Height) is { } newest)
                {
                    Execute("INSERT OR REPLACE INTO last_block (id, hash, height) VALUES (1, $h, $n)", ("$h", newest.BlockHash), ("$n", (long)newest.Height));
                }

                var dropped = 0L;
                while (Scalar("SELECT count(*) FROM outbox") > _options.MaxReports || Scalar("SELECT coalesce(sum(length(payload)), 0) FROM outbox") > _options.MaxBytes)
                {
                    Execute("DELETE FROM outbox WHERE sequence = (SELECT min(sequence) FROM outbox)");
                    dropped++;
                }

                if (dropped > 0)
                {
                    Execute("UPDATE counters SET value = value + $n WHERE name = 'dropped'", ("$n", dropped));
                }

                transaction.Commit();
                if (dropped > 0)
                {
                    Log.OutboxFull(_logger, dropped, _options.MaxReports, _options.MaxBytes, Counter("dropped"));
                }
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode is 13 or 10) // SQLITE_FULL, SQLITE_IOERR
            {
                Log.OutboxWriteFailed(_logger, report.Sequence, ex.Message);
                TryCountDrop();
                return false;
            }
        }

        _arrived.Release();
        return true;
    }

    /// <summary>The newest block any queued report carried (kept after its report is acknowledged): where a restarted node watcher resumes.</summary>
    public (string Hash, long Height)? LastQueuedBlock()
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT hash, height FROM last_block WHERE id = 1";
            using var reader = command.ExecuteReader();
            return reader.Read() ? (reader.GetString(0), reader.GetInt64(1)) : null;
        }
    }

    /// <summary>The oldest reports, in sequence order.</summary>
    public IReadOnlyList<PendingReport> Peek(int max)
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT sequence, payload FROM outbox ORDER BY sequence LIMIT $n";
            command.Parameters.AddWithValue("$n", max);
            using var reader = command.ExecuteReader();
            var result = new List<PendingReport>();
            while (reader.Read())
            {
                result.Add(new PendingReport((ulong)reader.GetInt64(0), (byte[])reader.GetValue(1)));
            }

            return result;
        }
    }

    /// <summary>The aggregator has the report durably: it leaves the outbox.</summary>
    public void Acknowledge(ulong sequence)
    {
        lock (_lock)
        {
            Execute("DELETE FROM outbox WHERE sequence = $s", ("$s", (long)sequence));
        }
    }

    /// <summary>The aggregator refuses the report for good (INVALID_ARGUMENT): keep it aside with the reason, go on.</summary>
    public void Reject(ulong sequence, string reason)
    {
        lock (_lock)
        {
            using var transaction = _connection.BeginTransaction();
            Execute("INSERT OR REPLACE INTO rejected (sequence, payload, reason) SELECT sequence, payload, $r FROM outbox WHERE sequence = $s",
                ("$s", (long)sequence), ("$r", reason));
            Execute("DELETE FROM outbox WHERE sequence = $s", ("$s", (long)sequence));
            transaction.Commit();
        }
    }

    /// <summary>Waits until a report is enqueued or <paramref name="timeout"/> passes; returns at once if one came since the last wait.</summary>
    public Task WaitForReportAsync(TimeSpan timeout, CancellationToken cancellationToken) => _arrived.WaitAsync(timeout, cancellationToken);

    public void Dispose()
    {
        _connection.Dispose();
        _arrived.Dispose();
    }

    private static SqliteConnection Open(string path, long maxFileBytes)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA quick_check;";
            if (command.ExecuteScalar() as string is var check && check != "ok")
            {
                throw new SqliteException($"integrity check failed: {check}", 11); // SQLITE_CORRUPT
            }

            command.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;";
            command.ExecuteNonQuery();
            if (maxFileBytes > 0)
            {
                command.CommandText = "PRAGMA page_size;";
                var pageSize = Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
                command.CommandText = $"PRAGMA max_page_count = {Math.Max(8, maxFileBytes / pageSize)};";
                command.ExecuteNonQuery();
            }


            command.CommandText =
                "CREATE TABLE IF NOT EXISTS outbox (sequence INTEGER PRIMARY KEY, payload BLOB NOT NULL, created TEXT NOT NULL DEFAULT (datetime('now')));" +
                "CREATE TABLE IF NOT EXISTS rejected (sequence INTEGER PRIMARY KEY, payload BLOB NOT NULL, reason TEXT NOT NULL, at TEXT NOT NULL DEFAULT (datetime('now')));" +
                "CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);" +
                "CREATE TABLE IF NOT EXISTS last_block (id INTEGER PRIMARY KEY CHECK (id = 1), hash TEXT NOT NULL, height INTEGER NOT NULL);" +
                "INSERT OR IGNORE INTO counters (name, value) VALUES ('dropped', 0);";
            command.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            SqliteConnection.ClearAllPools();
            throw;
        }
    }

    private void TryCountDrop()
    {
        try
        {
            Execute("UPDATE counters SET value = value + 1 WHERE name = 'dropped'");
        }
        catch (SqliteException)
        {
            // The disk is still full: the log line above is the record.
        }
    }

    private long Counter(string name)
    {
        lock (_lock)
        {
            return Scalar("SELECT value FROM counters WHERE name = $n", ("$n", name));
        }
    }

    private long Scalar(string sql, params (string Name, object Value)[] parameters)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private void Execute(string sql, params (string Name, object Value)[] parameters)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.ExecuteNonQuery();
    }
}
