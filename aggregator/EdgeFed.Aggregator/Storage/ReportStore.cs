using System.Data.Common;
using EdgeFed.Aggregator.Concentration;
using EdgeFed.Protocol.V1;
using Microsoft.Extensions.Options;

namespace EdgeFed.Aggregator.Storage;

/// <summary>An enrolled agent: its id and the kind it enrolled as (only an aggregator may send merged cells).</summary>
public sealed record EnrolledAgent(string Id, AgentKind Kind);

/// <summary>
/// The store of agents, reports, cells, block sightings and alerts: embedded SQLite by default, or PostgreSQL shared
/// by several replicas (<see cref="AggregatorOptions.Store"/>). A report and its cells commit (group-committed with the
/// other reports waiting) before it is acknowledged. An agent's sequence only grows (the protocol's rule), so a report
/// whose sequence is not above its agent's latest stored one is a resend: acknowledged as a duplicate, never counted
/// twice. Every query is written once, in SQL both stores run.
/// </summary>
public sealed partial class ReportStore : IDisposable
{
    private const int MaxBatch = 1024;
    private readonly StoreBackend _backend;
    private readonly System.Threading.Channels.Channel<PendingWrite> _queue =
        System.Threading.Channels.Channel.CreateUnbounded<PendingWrite>(new() { SingleReader = true });
    private readonly Task _writeLoop;
    private readonly Metrics.AggregatorMetrics? _metrics;

    public ReportStore(IOptions<AggregatorOptions> options, Metrics.AggregatorMetrics? metrics = null)
    {
        _metrics = metrics;
        _backend = options.Value.Store == StoreKind.Postgres
            ? new PostgresBackend(options.Value.Postgres.ConnectionString)
            : new SqliteBackend(options.Value.DatabasePath);
        _writeLoop = Task.Run(WriteLoopAsync);
    }

    /// <summary>Which store this is, for logs: the SQLite file, or the PostgreSQL host and database.</summary>
    public static string Describe(AggregatorOptions options)
    {
        if (options.Store != StoreKind.Postgres)
        {
            return Path.GetFullPath(options.DatabasePath);
        }

        var b = new Npgsql.NpgsqlConnectionStringBuilder(options.Postgres.ConnectionString);
        return $"PostgreSQL {b.Host}:{b.Port}/{b.Database}"; // never the password
    }

    /// <summary>The failures a store reports (SQLite's and Npgsql's exceptions derive from <see cref="DbException"/>).</summary>
    public static bool IsStoreError(Exception ex) => ex is DbException or InvalidOperationException or TimeoutException;

    /// <summary>
    /// Stores a validated report; false when it was stored before (its sequence is not above its agent's latest). Reports from all streams are
    /// group-committed: the writer takes every report waiting, writes them in one transaction and completes them
    /// together after the commit (one fsync for the batch), so no report is acknowledged before it is durable.
    /// </summary>
    /// <remarks>
    /// Once queued, the caller waits for the commit even if <paramref name="cancellationToken"/> fires: that is one
    /// commit's time, and the write happens either way. Abandoning it (<c>WaitAsync</c>) cost a promise, a task and a
    /// registration per report, ~8 % of what ingest allocated (allocation ticks, issue 17).
    /// </remarks>
    public Task<bool> StoreAsync(AggregateReport report, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new PendingWrite(report, receivedAt);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(ReportStore));
        }

        return pending.Task;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingWrite>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            await _backend.CommitQueuedAsync(_queue.Reader, batch, MaxBatch, Committed);
        }
    }

    /// <summary>A batch's outcome: each report acknowledged as stored or a duplicate, or, on the store's failure, none (the agents send them again, here or to another replica).</summary>
    private void Committed(List<PendingWrite> batch, bool[]? stored, Exception? failure, TimeSpan took)
    {
        _metrics?.CommitSeconds.Observe(took.TotalSeconds);
        _metrics?.CommitReports.Observe(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            if (stored is not null)
            {
                batch[i].Done.TrySetResult(stored[i]);
            }
            else
            {
                batch[i].Done.TrySetException(failure!);
            }
        }
    }

    public async Task SaveAgentAsync(string agentId, string keyHash, string region, AgentKind kind, DateTimeOffset at, CancellationToken cancellationToken) =>
        await _backend.ExecuteWriteAsync(
            "INSERT INTO agents (agent_id, key_hash, region, kind, enrolled_at) VALUES (@agent, @hash, @region, @kind, @at) " +
            "ON CONFLICT (agent_id) DO UPDATE SET key_hash = excluded.key_hash, region = excluded.region, kind = excluded.kind, enrolled_at = excluded.enrolled_at",
            [("@agent", agentId), ("@hash", keyHash), ("@region", region), ("@kind", (int)kind), ("@at", at.ToUnixTimeMilliseconds())], cancellationToken);

    /// <summary>The enrolled agent whose key hashes to <paramref name="keyHash"/>, and the kind it enrolled as; null when none.</summary>
    public async Task<EnrolledAgent?> FindAgentByKeyHashAsync(string keyHash, CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT agent_id, kind FROM agents WHERE key_hash = @hash", r => new EnrolledAgent(r.GetString(0), (AgentKind)r.Int(1)), cancellationToken,
            ("@hash", keyHash))).SingleOrDefault();

    /// <summary>Per entity of a dimension and agent: summed hashrate over windows starting in [from, to), and how many agents stand behind it.</summary>
    public async Task<IReadOnlyList<AgentContribution>> HashrateByAsync(Dimension dimension, long from, long to, CancellationToken cancellationToken)
    {
        var column = CellSource.ColumnOf(dimension);
        return await ReadAsync(CellSource.For(_backend, from, to), $"SELECT CAST({column} AS TEXT), agent_id, SUM(hashrate_ths), MAX(agents) FROM src GROUP BY {column}, agent_id",
            r => new AgentContribution(r.GetString(0), r.GetString(1), r.Double(2), r.Int(3)), cancellationToken);
    }

    /// <summary>
    /// Per entity of a dimension: the share-based and API hashrate of the miners whose shares agents' proxies saw, the
    /// shares behind them, and how many cells disagree beyond their own error (windows starting in [from, to)).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, ShareMeasurement>> ShareHashrateByAsync(Dimension dimension, long from, long to, CancellationToken cancellationToken)
    {
        var column = CellSource.ColumnOf(dimension);
        var rows = await ReadAsync(CellSource.For(_backend, from, to),
            $"SELECT CAST({column} AS TEXT), SUM(share_ths), SUM(share_api_ths), SUM(share_count), SUM(disagreeing) FROM src WHERE share_count > 0 GROUP BY {column}",
            r => (r.GetString(0), new ShareMeasurement(r.Double(1), r.Double(2), r.Long(3), r.Int(4))), cancellationToken);
        return rows.ToDictionary(r => r.Item1, r => r.Item2);
    }

    /// <summary>Every agent's sighting of blocks with a time in [from, to); <see cref="BlockMerger"/> counts each block once.</summary>
    public async Task<IReadOnlyList<BlockSighting>> BlockSightingsAsync(long from, long to, CancellationToken cancellationToken) =>
        await QueryAsync(
            "SELECT block_hash, height, pool, method, block_time, agent_id, difficulty, tx_count FROM block_sightings WHERE block_time >= @from AND block_time < @to",
            r => new BlockSighting(r.GetString(0), r.Long(1), r.GetString(2), r.GetString(3), r.Long(4), r.GetString(5), r.Double(6), r.Int(7)),
            cancellationToken, ("@from", from), ("@to", to));

    /// <summary>Distinct agents with a report (cells or not) for a window starting in [from, to).</summary>
    public async Task<int> CountAgentsAsync(long from, long to, CancellationToken cancellationToken) =>
        (await ReadAsync(CellSource.ReportsFor(_backend, from, to), "SELECT COUNT(DISTINCT agent_id) FROM src", r => r.Int(0), cancellationToken)).Single();

    /// <summary>Runs <c>src</c> + <paramref name="select"/> on a reader connection and maps every row.</summary>
    internal Task<List<T>> ReadAsync<T>((string Sql, List<(string Name, object Value)> Parameters) source, string select, Func<DbDataReader, T> map,
        CancellationToken cancellationToken, params (string Name, object Value)[] more) =>
        QueryAsync(source.Sql + select, map, cancellationToken, [.. source.Parameters, .. more]);

    /// <summary>Runs one query on a reader connection and maps every row.</summary>
    internal async Task<List<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> map, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var connection = await _backend.OpenReaderAsync(cancellationToken);
        await using var command = StoreBackend.Command(connection, null, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    /// <summary>
    /// Every enrolled agent with the time of its latest report and how many it sent; for a regional aggregator, how
    /// many agents reported to it in the window of its latest report. From <c>agent_activity</c>, which each commit
    /// keeps up to date: one row per agent, whatever the number of reports.
    /// </summary>
    public async Task<IReadOnlyList<AgentInfo>> ListAgentsAsync(CancellationToken cancellationToken) =>
        await QueryAsync(
            "SELECT a.agent_id, a.region, a.kind, s.last_received_at, COALESCE(s.reports, 0), s.agents_behind " +
            "FROM agents a LEFT JOIN agent_activity s ON s.agent_id = a.agent_id ORDER BY a.agent_id",
            r =>
            {
                var info = new AgentInfo { AgentId = r.GetString(0), Region = r.GetString(1), Kind = (AgentKind)r.Int(2), Reports = (ulong)r.Long(4) };
                if (!r.IsDBNull(3))
                {
                    info.LastReport = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(r.Long(3)));
                }

                info.AgentsBehind = info.Kind == AgentKind.Aggregator && !r.IsDBNull(5) ? (uint)r.Int(5) : 0;
                return info;
            }, cancellationToken);

    /// <summary>Stores an alert once per (kind, subject, period), whichever replica raises it; false when it was raised before.</summary>
    public async Task<bool> SaveAlertAsync(Alert alert, CancellationToken cancellationToken) =>
        await _backend.ExecuteWriteAsync(
            "INSERT INTO alerts (kind, subject, period, message, evidence, raised_at) VALUES (@kind, @subject, @period, @message, @evidence, @at) " +
            "ON CONFLICT (kind, subject, period) DO NOTHING",
            [("@kind", alert.Kind), ("@subject", alert.Subject), ("@period", alert.Period), ("@message", alert.Message),
                ("@evidence", alert.EvidenceJson), ("@at", alert.RaisedAt.ToDateTimeOffset().ToUnixTimeMilliseconds())], cancellationToken) > 0;

    public async Task<IReadOnlyList<Alert>> ListAlertsAsync(int limit, CancellationToken cancellationToken) =>
        await QueryAsync("SELECT kind, subject, period, message, evidence, raised_at FROM alerts ORDER BY id DESC LIMIT @limit",
            r => new Alert
            {
                Kind = r.GetString(0), Subject = r.GetString(1), Period = r.GetString(2), Message = r.GetString(3), EvidenceJson = r.GetString(4),
                RaisedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(r.Long(5))),
            }, cancellationToken, ("@limit", (long)limit));

    /// <summary>
    /// Rolls up to <paramref name="maxReports"/> reports past the roll-ups' watermark into the day, hour and ten-minute
    /// roll-ups; returns how many it rolled. Reads stay exact before, during and after.
    /// </summary>
    public Task<int> RollUpAsync(int maxReports, CancellationToken cancellationToken) => _backend.RollUpAsync(maxReports, cancellationToken);

    /// <summary>True while this process leads <paramref name="role"/> among the replicas on the store (always, on SQLite).</summary>
    public Task<bool> TryLeadAsync(string role, CancellationToken cancellationToken) => _backend.TryLeadAsync(role, cancellationToken);

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _writeLoop.Wait(TimeSpan.FromSeconds(10));
        _backend.Dispose();
    }
}
