using EdgeFed.Aggregator.Concentration;
using EdgeFed.Protocol.V1;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace EdgeFed.Aggregator.Storage;

/// <summary>
/// SQLite (WAL, synchronous=FULL) store of agents, reports, cells, block sightings and alerts. A report and its cells
/// commit (group-committed with the other reports waiting) before it is acknowledged; (agent, sequence) is the primary
/// key, so a resent report is recognised and never counted twice.
/// </summary>
public sealed partial class ReportStore : IDisposable
{
    private readonly SqliteConnection _writer;
    private const int MaxBatch = 1024;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly string _connectionString;
    private readonly System.Threading.Channels.Channel<PendingWrite> _queue =
        System.Threading.Channels.Channel.CreateUnbounded<PendingWrite>(new() { SingleReader = true });
    private readonly Task _writeLoop;

    private readonly Metrics.AggregatorMetrics? _metrics;
    private readonly SqliteConnection _roller;
    private readonly SemaphoreSlim _rollGate = new(1, 1);
    private readonly string _rollupPath;

    public ReportStore(IOptions<AggregatorOptions> options, Metrics.AggregatorMetrics? metrics = null)
    {
        _metrics = metrics;
        var path = Path.GetFullPath(options.Value.DatabasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();
        _writer = new SqliteConnection(_connectionString);
        _writer.Open();
        Execute(_writer, Schema.Sql);
        Schema.Migrate(_writer);
        _rollupPath = RollupPathOf(path);
        _roller = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _rollupPath, Pooling = false }.ToString());
        _roller.Open();
        Execute(_roller, Schema.RollupSql);
        using (var attach = Command(_roller, null, "ATTACH DATABASE $path AS raw", ("$path", path)))
        {
            attach.ExecuteNonQuery();
        }

        Execute(_roller, Schema.RollupChunkSql);
        _writeLoop = Task.Run(WriteLoopAsync);
    }

    /// <summary>
    /// Stores a validated report; false when this (agent, sequence) was stored before. Reports from all streams are
    /// group-committed: the writer takes every report waiting, writes them in one transaction and completes them
    /// together after the commit (one fsync for the batch), so no report is acknowledged before it is durable.
    /// </summary>
    public Task<bool> StoreAsync(AggregateReport report, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var pending = new PendingWrite(report, receivedAt);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(ReportStore));
        }

        return pending.Done.Task.WaitAsync(cancellationToken);
    }

    private sealed record PendingWrite(AggregateReport Report, DateTimeOffset ReceivedAt)
    {
        public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingWrite>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            await _writeGate.WaitAsync();
            try
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                var stored = WriteBatch(batch);
                _metrics?.CommitSeconds.Observe(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
                _metrics?.CommitReports.Observe(batch.Count);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.TrySetResult(stored[i]);
                }
            }
            catch (Exception ex) when (ex is SqliteException or InvalidOperationException)
            {
                foreach (var write in batch)
                {
                    write.Done.TrySetException(ex);
                }
            }
            finally
            {
                _writeGate.Release();
            }
        }
    }

    private bool[] WriteBatch(List<PendingWrite> batch)
    {
        using var tx = _writer.BeginTransaction();
        using var insert = Command(_writer, tx,
            "INSERT OR IGNORE INTO reports (agent_id, sequence, window_start, window_end, region, kind, software_version, received_at) " +
            "VALUES ($agent, $seq, $start, $end, $region, $kind, $version, $received) RETURNING rowid",
            ("$agent", ""), ("$seq", 0L), ("$start", 0L), ("$end", 0L), ("$region", ""), ("$kind", 0), ("$version", ""), ("$received", 0L));
        using var cell = Command(_writer, tx,
            "INSERT INTO cells (agent_id, sequence, pool, template_provider, vendor, model, health, miners, hashrate_ths, power_w, power_miners, accepted, rejected, confidence, report_id, " +
            "share_ths, share_count, share_miners, share_api_ths) " +
            "VALUES ($agent, $seq, $pool, $provider, $vendor, $model, $health, $miners, $hashrate, $power, $powerMiners, $accepted, $rejected, $confidence, $report, " +
            "$shareThs, $shareCount, $shareMiners, $shareApi)",
            ("$agent", ""), ("$seq", 0L), ("$pool", ""), ("$provider", ""), ("$vendor", ""), ("$model", ""), ("$health", 0), ("$miners", 0L),
            ("$hashrate", 0.0), ("$power", 0.0), ("$powerMiners", 0L), ("$accepted", 0L), ("$rejected", 0L), ("$confidence", 0.0), ("$report", 0L),
            ("$shareThs", 0.0), ("$shareCount", 0L), ("$shareMiners", 0L), ("$shareApi", 0.0));
        using var block = Command(_writer, tx,
            "INSERT OR IGNORE INTO block_sightings (block_hash, height, pool, method, block_time, agent_id, difficulty, tx_count) " +
            "VALUES ($hash, $height, $pool, $method, $time, $agent, $difficulty, $txCount)",
            ("$hash", ""), ("$height", 0L), ("$pool", ""), ("$method", ""), ("$time", 0L), ("$agent", ""), ("$difficulty", 0.0), ("$txCount", 0L));
        var stored = new bool[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var (report, receivedAt) = (batch[i].Report, batch[i].ReceivedAt);
            Set(insert, report.AgentId, (long)report.Sequence, report.WindowStart.Seconds, report.WindowEnd.Seconds, report.Region, (int)report.Kind,
                report.SoftwareVersion, receivedAt.ToUnixTimeMilliseconds());
            if (insert.ExecuteScalar() is not long reportId)
            {
                continue; // this (agent, sequence) is stored already (OR IGNORE returned no row): a duplicate
            }

            stored[i] = true;
            foreach (var c in report.Cells)
            {
                Set(cell, report.AgentId, (long)report.Sequence, c.Key.Pool, c.Key.TemplateProvider, c.Key.Vendor, c.Key.Model, (int)c.Key.Health,
                    (long)c.MinerCount, c.HashrateThs, c.PowerW, (long)c.PowerReportingMiners, (long)c.AcceptedShares, (long)c.RejectedShares, c.MeanConfidence, reportId,
                    c.ShareHashrateThs, (long)c.ShareCount, (long)c.ShareMiners, c.ShareApiHashrateThs);
                cell.ExecuteNonQuery();
            }

            foreach (var b in report.Blocks)
            {
                Set(block, b.BlockHash, (long)b.Height, b.Pool, b.AttributionMethod, b.BlockTime?.Seconds ?? 0L, report.AgentId, b.Difficulty, (long)b.TxCount);
                block.ExecuteNonQuery();
            }
        }

        tx.Commit();
        return stored;
    }

    private static void Set(SqliteCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }
    }

    public async Task SaveAgentAsync(string agentId, string keyHash, string region, AgentKind kind, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            using var command = Command(_writer, null,
                "INSERT INTO agents (agent_id, key_hash, region, kind, enrolled_at) VALUES ($agent, $hash, $region, $kind, $at) " +
                "ON CONFLICT(agent_id) DO UPDATE SET key_hash = excluded.key_hash, region = excluded.region, kind = excluded.kind, enrolled_at = excluded.enrolled_at",
                ("$agent", agentId), ("$hash", keyHash), ("$region", region), ("$kind", (int)kind), ("$at", at.ToUnixTimeMilliseconds()));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public async Task<string?> FindAgentByKeyHashAsync(string keyHash, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        using var command = Command(connection, null, "SELECT agent_id FROM agents WHERE key_hash = $hash", ("$hash", keyHash));
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>Per entity of a dimension and agent: summed hashrate over windows starting in [from, to).</summary>
    public async Task<IReadOnlyList<AgentContribution>> HashrateByAsync(Dimension dimension, long from, long to, CancellationToken cancellationToken)
    {
        var column = CellSource.ColumnOf(dimension);
        return await ReadAsync(CellSource.For(from, to), $"SELECT CAST({column} AS TEXT), agent_id, SUM(hashrate_ths) FROM src GROUP BY {column}, agent_id",
            r => new AgentContribution(r.GetString(0), r.GetString(1), r.GetDouble(2)), cancellationToken);
    }

    /// <summary>
    /// Per entity of a dimension: the share-based and API hashrate of the miners whose shares agents' proxies saw, the
    /// shares behind them, and how many cells disagree beyond their own error (windows starting in [from, to)).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, ShareMeasurement>> ShareHashrateByAsync(Dimension dimension, long from, long to, CancellationToken cancellationToken)
    {
        var column = CellSource.ColumnOf(dimension);
        var rows = await ReadAsync(CellSource.For(from, to),
            $"SELECT CAST({column} AS TEXT), SUM(share_ths), SUM(share_api_ths), SUM(share_count), SUM(disagreeing) FROM src WHERE share_count > 0 GROUP BY {column}",
            r => (r.GetString(0), new ShareMeasurement(r.GetDouble(1), r.GetDouble(2), r.GetInt64(3), r.GetInt32(4))), cancellationToken);
        return rows.ToDictionary(r => r.Item1, r => r.Item2);
    }

    /// <summary>Every agent's sighting of blocks with a time in [from, to); <see cref="BlockMerger"/> counts each block once.</summary>
    public async Task<IReadOnlyList<BlockSighting>> BlockSightingsAsync(long from, long to, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        using var command = Command(connection, null,
            "SELECT block_hash, height, pool, method, block_time, agent_id, difficulty, tx_count FROM block_sightings WHERE block_time >= $from AND block_time < $to",
            ("$from", from), ("$to", to));
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<BlockSighting>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new BlockSighting(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4), reader.GetString(5),
                reader.GetDouble(6), reader.GetInt32(7)));
        }

        return rows;
    }

    /// <summary>Distinct agents with a report (cells or not) for a window starting in [from, to).</summary>
    public async Task<int> CountAgentsAsync(long from, long to, CancellationToken cancellationToken) =>
        (await ReadAsync(CellSource.ReportsFor(from, to), "SELECT COUNT(DISTINCT agent_id) FROM src", r => r.GetInt32(0), cancellationToken)).Single();

    /// <summary>Runs <c>src</c> + <paramref name="select"/> on a reader connection and maps every row.</summary>
    internal async Task<List<T>> ReadAsync<T>((string Sql, List<(string Name, object Value)> Parameters) source, string select, Func<Microsoft.Data.Sqlite.SqliteDataReader, T> map,
        CancellationToken cancellationToken, params (string Name, object Value)[] more)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        using var command = Command(connection, null, source.Sql + select, [.. source.Parameters, .. more]);
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    /// <summary>Every enrolled agent with the time of its latest report and how many it sent.</summary>
    public async Task<IReadOnlyList<AgentInfo>> ListAgentsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        using var command = Command(connection, null,
            "SELECT a.agent_id, a.region, a.kind, MAX(r.received_at), COUNT(r.sequence) FROM agents a " +
            "LEFT JOIN reports r ON r.agent_id = a.agent_id GROUP BY a.agent_id ORDER BY a.agent_id");
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var agents = new List<AgentInfo>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var info = new AgentInfo { AgentId = reader.GetString(0), Region = reader.GetString(1), Kind = (AgentKind)reader.GetInt32(2), Reports = (ulong)reader.GetInt64(4) };
            if (!reader.IsDBNull(3))
            {
                info.LastReport = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)));
            }

            agents.Add(info);
        }

        return agents;
    }

    /// <summary>Stores an alert once per (kind, subject, period); false when it was raised before.</summary>
    public async Task<bool> SaveAlertAsync(Alert alert, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            using var command = Command(_writer, null,
                "INSERT OR IGNORE INTO alerts (kind, subject, period, message, evidence, raised_at) VALUES ($kind, $subject, $period, $message, $evidence, $at)",
                ("$kind", alert.Kind), ("$subject", alert.Subject), ("$period", alert.Period), ("$message", alert.Message),
                ("$evidence", alert.EvidenceJson), ("$at", alert.RaisedAt.ToDateTimeOffset().ToUnixTimeMilliseconds()));
            return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public async Task<IReadOnlyList<Alert>> ListAlertsAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        using var command = Command(connection, null,
            "SELECT kind, subject, period, message, evidence, raised_at FROM alerts ORDER BY id DESC LIMIT $limit", ("$limit", limit));
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var alerts = new List<Alert>();
        while (await reader.ReadAsync(cancellationToken))
        {
            alerts.Add(new Alert
            {
                Kind = reader.GetString(0), Subject = reader.GetString(1), Period = reader.GetString(2), Message = reader.GetString(3), EvidenceJson = reader.GetString(4),
                RaisedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5))),
            });
        }

        return alerts;
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _writeLoop.Wait(TimeSpan.FromSeconds(10));
        _writer.Dispose();
        _roller.Dispose();
        _writeGate.Dispose();
        _rollGate.Dispose();
    }

    /// <summary>The roll-ups' file beside the store: <c>aggregator.db</c> → <c>aggregator.rollups.db</c>.</summary>
    public static string RollupPathOf(string databasePath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(databasePath))!, Path.GetFileNameWithoutExtension(databasePath) + ".rollups.db");

    /// <summary>A reader on the store with the roll-ups attached (a pooled connection keeps its attachment).</summary>
    private async Task<SqliteConnection> OpenReaderAsync(CancellationToken cancellationToken)
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

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? tx, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = Command(connection, null, sql);
        command.ExecuteNonQuery();
    }
}
