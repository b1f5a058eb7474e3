using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Threading.Channels;
using Npgsql;

namespace EdgeFed.Aggregator.Storage;

/// <summary>
/// The shared store: PostgreSQL through one pooled <see cref="NpgsqlDataSource"/>, for several aggregator replicas on
/// one database. A batch of reports is one statement, so one transaction and one round trip (reports, cells and blocks
/// inserted from arrays; measured: 4,859 reports/s with a statement per report, see docs/benchmarks.md). As on SQLite,
/// a report whose sequence is not above its agent's latest stored one is a duplicate; (agent, sequence) is also the
/// primary key, so the same report sent to two replicas at once is stored once and the second one waits for the
/// first's commit and reports a duplicate. Reports are inserted in key order and the agents' activity rows in agent
/// order, so two replicas' batches lock shared rows in the same order and cannot deadlock. Durable at commit
/// (synchronous_commit is PostgreSQL's default, on).
/// </summary>
internal sealed class PostgresBackend : StoreBackend
{
    private readonly NpgsqlDataSource _source;
    private readonly ConcurrentDictionary<string, NpgsqlConnection> _leases = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _leaseGate = new(1, 1);

    public PostgresBackend(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 32; // the report insert and the reads run thousands of times: prepared once per connection
        }

        _source = NpgsqlDataSource.Create(builder.ConnectionString);
        SchemaVersion = PostgresSchema.MigrateAsync(_source, CancellationToken.None).GetAwaiter().GetResult();
    }

    public int SchemaVersion { get; }

    public override string ReportId => "id";

    public override string CellsOfReport => "c.report_id = r.id";

    public override string PastWatermark => "r.tx >= (SELECT rolled_below FROM rollup_state WHERE id = 1)";

    public override string Greatest => "GREATEST";

    // Block sightings are only ever added, so their count moves with every new one, whichever replica stored it
    // (their ids come from a sequence, and a lower id can commit after a higher one).
    public override string VersionSql =>
        "SELECT COALESCE((SELECT MAX(id) FROM reports), 0), (SELECT COUNT(*) FROM block_sightings), COALESCE((SELECT MAX(id) FROM alerts), 0)";

    public override async Task<DbConnection> OpenReaderAsync(CancellationToken cancellationToken) => await _source.OpenConnectionAsync(cancellationToken);

    // The whole batch in one statement: the reports, their cells and their blocks as parallel arrays, cells and blocks
    // joined to the reports that were new (a duplicate's row is not returned, so its cells are not inserted again).
    private const string InsertBatch = """
        WITH r AS (
            INSERT INTO reports (agent_id, sequence, window_start, window_end, region, kind, software_version, received_at, agents_behind)
            SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::int[], $7::text[], $8::bigint[], $9::int[])
                AS x(agent_id, sequence, window_start, window_end, region, kind, software_version, received_at, agents_behind)
            WHERE x.sequence > COALESCE((SELECT s.last_sequence FROM agent_activity s WHERE s.agent_id = x.agent_id), -1)
            ORDER BY agent_id, sequence
            ON CONFLICT (agent_id, sequence) DO NOTHING RETURNING id, agent_id, sequence, received_at, agents_behind),
        c AS (
            INSERT INTO cells (report_id, agent_id, sequence, pool, template_provider, vendor, model, health, miners, hashrate_ths, power_w,
                power_miners, accepted, rejected, confidence, share_ths, share_count, share_miners, share_api_ths, agents, hashrate_seconds)
            SELECT r.id, x.agent_id, x.sequence, x.pool, x.template_provider, x.vendor, x.model, x.health, x.miners, x.hashrate_ths, x.power_w,
                x.power_miners, x.accepted, x.rejected, x.confidence, x.share_ths, x.share_count, x.share_miners, x.share_api_ths, x.agents, x.hashrate_seconds
            FROM unnest($10::text[], $11::bigint[], $12::text[], $13::text[], $14::text[], $15::text[], $16::int[], $17::bigint[], $18::float8[],
                $19::float8[], $20::bigint[], $21::bigint[], $22::bigint[], $23::float8[], $24::float8[], $25::bigint[], $26::bigint[], $27::float8[],
                $28::int[], $29::float8[])
                AS x(agent_id, sequence, pool, template_provider, vendor, model, health, miners, hashrate_ths, power_w, power_miners, accepted, rejected,
                     confidence, share_ths, share_count, share_miners, share_api_ths, agents, hashrate_seconds)
            JOIN r ON r.agent_id = x.agent_id AND r.sequence = x.sequence),
        b AS (
            INSERT INTO block_sightings (block_hash, height, pool, method, block_time, difficulty, tx_count, agent_id)
            SELECT x.block_hash, x.height, x.pool, x.method, x.block_time, x.difficulty, x.tx_count, x.agent_id
            FROM unnest($30::text[], $31::bigint[], $32::text[], $33::text[], $34::bigint[], $35::float8[], $36::int[], $37::text[], $38::bigint[])
                AS x(block_hash, height, pool, method, block_time, difficulty, tx_count, agent_id, sequence)
            JOIN r ON r.agent_id = x.agent_id AND r.sequence = x.sequence
            ON CONFLICT (block_hash, agent_id) DO NOTHING),
        a AS (
            INSERT INTO agent_activity AS s (agent_id, reports, last_received_at, last_sequence, agents_behind)
            SELECT DISTINCT ON (agent_id) agent_id, COUNT(*) OVER w, MAX(received_at) OVER w, sequence, agents_behind
            FROM r WINDOW w AS (PARTITION BY agent_id) ORDER BY agent_id, sequence DESC
            ON CONFLICT (agent_id) DO UPDATE SET reports = s.reports + excluded.reports,
                last_received_at = GREATEST(s.last_received_at, excluded.last_received_at), last_sequence = GREATEST(s.last_sequence, excluded.last_sequence),
                agents_behind = CASE WHEN excluded.last_sequence >= s.last_sequence THEN excluded.agents_behind ELSE s.agents_behind END)
        SELECT agent_id, sequence FROM r
        """;

    public override async Task CommitQueuedAsync(ChannelReader<PendingWrite> queue, List<PendingWrite> batch, int maxBatch, BatchCommitted committed)
    {
        if (Take(queue, batch, maxBatch) == 0)
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            var stored = await WriteBatchAsync(batch);
            committed(batch, stored, null, Stopwatch.GetElapsedTime(started));
        }
        catch (Exception ex) when (ReportStore.IsStoreError(ex))
        {
            committed(batch, null, ex, Stopwatch.GetElapsedTime(started));
        }
    }

    private async Task<bool[]> WriteBatchAsync(IReadOnlyList<PendingWrite> batch)
    {
        await using var connection = await _source.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(InsertBatch, connection);
        foreach (var values in Columns(batch))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = values });
        }

        var inserted = new HashSet<(string, long)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                inserted.Add((reader.GetString(0), reader.GetInt64(1)));
            }
        }

        // One statement is its own transaction: it has committed here. A key sent twice in one batch is stored by the
        // first and a duplicate for the second.
        var stored = new bool[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            stored[i] = inserted.Remove((batch[i].Report.AgentId, (long)batch[i].Report.Sequence));
        }

        return stored;
    }

    /// <summary>The batch as the statement's 38 arrays: reports, then cells, then blocks, each with its report's key.</summary>
    private static object[] Columns(IReadOnlyList<PendingWrite> batch)
    {
        var reports = batch.Select(w => w.Report).ToList();
        var cells = reports.SelectMany(r => r.Cells.Select(c => (r, c))).ToList();
        var blocks = reports.SelectMany(r => r.Blocks.Select(b => (r, b))).ToList();
        return
        [
            reports.Select(r => r.AgentId).ToArray(), reports.Select(r => (long)r.Sequence).ToArray(), reports.Select(r => r.WindowStart.Seconds).ToArray(),
            reports.Select(r => r.WindowEnd.Seconds).ToArray(), reports.Select(r => r.Region).ToArray(), reports.Select(r => (int)r.Kind).ToArray(),
            reports.Select(r => r.SoftwareVersion).ToArray(), batch.Select(w => w.ReceivedAt.ToUnixTimeMilliseconds()).ToArray(),
            reports.Select(r => (int)r.AgentsBehind).ToArray(),
            cells.Select(x => x.r.AgentId).ToArray(), cells.Select(x => (long)x.r.Sequence).ToArray(),
            cells.Select(x => x.c.Key.Pool).ToArray(), cells.Select(x => x.c.Key.TemplateProvider).ToArray(), cells.Select(x => x.c.Key.Vendor).ToArray(),
            cells.Select(x => x.c.Key.Model).ToArray(), cells.Select(x => (int)x.c.Key.Health).ToArray(), cells.Select(x => (long)x.c.MinerCount).ToArray(),
            cells.Select(x => x.c.HashrateThs).ToArray(), cells.Select(x => x.c.PowerW).ToArray(), cells.Select(x => (long)x.c.PowerReportingMiners).ToArray(),
            cells.Select(x => (long)x.c.AcceptedShares).ToArray(), cells.Select(x => (long)x.c.RejectedShares).ToArray(), cells.Select(x => x.c.MeanConfidence).ToArray(),
            cells.Select(x => x.c.ShareHashrateThs).ToArray(), cells.Select(x => (long)x.c.ShareCount).ToArray(), cells.Select(x => (long)x.c.ShareMiners).ToArray(),
            cells.Select(x => x.c.ShareApiHashrateThs).ToArray(), cells.Select(x => (int)Math.Max(1, x.c.Agents)).ToArray(), cells.Select(x => x.c.HashrateSeconds).ToArray(),
            blocks.Select(x => x.b.BlockHash).ToArray(), blocks.Select(x => (long)x.b.Height).ToArray(), blocks.Select(x => x.b.Pool).ToArray(),
            blocks.Select(x => x.b.AttributionMethod).ToArray(), blocks.Select(x => x.b.BlockTime?.Seconds ?? 0L).ToArray(), blocks.Select(x => x.b.Difficulty).ToArray(),
            blocks.Select(x => (int)x.b.TxCount).ToArray(), blocks.Select(x => x.r.AgentId).ToArray(), blocks.Select(x => (long)x.r.Sequence).ToArray(),
        ];
    }

    public override async Task<int> ExecuteWriteAsync(string sql, (string Name, object Value)[] parameters, CancellationToken cancellationToken)
    {
        await using var connection = await _source.OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, null, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Rolls the reports written by transactions in [watermark, upto): upto is at most the oldest transaction still
    /// running anywhere (the snapshot's xmin), so every report below it has committed or never will, and none can
    /// appear below the watermark later. Replicas that roll at once queue on the state row.
    /// </summary>
    public override async Task<int> RollUpAsync(int maxReports, CancellationToken cancellationToken)
    {
        await using var connection = await _source.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        long last, upto;
        await using (var bounds = Command(connection, tx,
                         "SELECT s.rolled_below, LEAST(pg_snapshot_xmin(pg_current_snapshot())::text::bigint, GREATEST(s.rolled_below + 1, " +
                         "COALESCE((SELECT tx FROM reports WHERE tx >= s.rolled_below ORDER BY tx OFFSET @max LIMIT 1), 9223372036854775807))) " +
                         "FROM rollup_state s WHERE s.id = 1 FOR UPDATE", ("@max", (long)maxReports)))
        await using (var reader = await bounds.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            (last, upto) = (reader.GetInt64(0), reader.GetInt64(1));
        }

        if (upto <= last)
        {
            return 0;
        }

        const string chunk = "r.tx >= @last AND r.tx < @upto";
        (string, object)[] range = [("@last", last), ("@upto", upto)];
        await Execute(connection, tx, "CREATE TEMP TABLE chunk_cells ON COMMIT DROP AS " + RollupSql.ChunkCells(chunk, CellsOfReport), range, cancellationToken);
        await Execute(connection, tx, "CREATE TEMP TABLE chunk_reports ON COMMIT DROP AS " + RollupSql.ChunkReports(chunk), range, cancellationToken);
        foreach (var statement in RollupSql.AddChunkToLevels(Greatest))
        {
            await Execute(connection, tx, statement, [], cancellationToken);
        }

        await using var count = Command(connection, tx, "SELECT COALESCE(SUM(reports), 0) FROM chunk_reports");
        var rolled = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        await Execute(connection, tx, "UPDATE rollup_state SET rolled_below = @upto WHERE id = 1", [("@upto", upto)], cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return rolled;
    }

    /// <summary>
    /// A session advisory lock per role, held on a connection of its own: PostgreSQL releases it when that connection
    /// ends, so a killed replica's lead passes to another at its next try.
    /// </summary>
    public override async Task<bool> TryLeadAsync(string role, CancellationToken cancellationToken)
    {
        await _leaseGate.WaitAsync(cancellationToken);
        try
        {
            if (_leases.TryGetValue(role, out var held))
            {
                try
                {
                    await using var alive = Command(held, null, "SELECT 1");
                    await alive.ExecuteScalarAsync(cancellationToken);
                    return true;
                }
                catch (Exception ex) when (ex is DbException or InvalidOperationException)
                {
                    _leases.TryRemove(role, out _);
                    await held.DisposeAsync(); // the lock went with the connection (e.g. the server restarted)
                }
            }

            var connection = await _source.OpenConnectionAsync(cancellationToken);
            await using var take = Command(connection, null, "SELECT pg_try_advisory_lock(hashtext(@role)::bigint)", ("@role", "edgefed:" + role));
            if (await take.ExecuteScalarAsync(cancellationToken) is true)
            {
                _leases[role] = connection;
                return true;
            }

            await connection.DisposeAsync();
            return false;
        }
        finally
        {
            _leaseGate.Release();
        }
    }

    /// <summary>
    /// A stopping replica hands its leads over at once: closing a connection only sends PostgreSQL a Terminate, and the
    /// lock lasts until the server's backend has exited, so another replica trying straight after could still be refused.
    /// </summary>
    public override void Dispose()
    {
        foreach (var connection in _leases.Values)
        {
            try
            {
                using var release = Command(connection, null, "SELECT pg_advisory_unlock_all()");
                release.ExecuteNonQuery();
            }
            catch (Exception ex) when (ex is DbException or InvalidOperationException)
            {
                // the connection is already gone, and its locks with it
            }

            connection.Dispose();
        }

        _source.Dispose();
        _leaseGate.Dispose();
    }

    private static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, (string, object)[] parameters, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, tx, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
