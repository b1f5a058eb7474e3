using System.Collections.Concurrent;
using System.Data.Common;
using Npgsql;

namespace EdgeFed.Aggregator.Storage;

/// <summary>
/// The shared store: PostgreSQL through one pooled <see cref="NpgsqlDataSource"/>, for several aggregator replicas on
/// one database. A batch of reports is one transaction sent in one round trip (one statement per report, its cells
/// and blocks inserted from arrays); (agent, sequence) is the primary key, so the same report sent to two replicas is
/// stored once and the second one waits for the first's commit and reports a duplicate. Durable at commit
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

    public override string PastWatermark => "r.tx >= (SELECT rolled_below FROM rollup_state WHERE id = 1)";

    public override string Greatest => "GREATEST";

    // Block sightings are only ever added, so their count moves with every new one, whichever replica stored it
    // (their ids come from a sequence, and a lower id can commit after a higher one).
    public override string VersionSql =>
        "SELECT COALESCE((SELECT MAX(id) FROM reports), 0), (SELECT COUNT(*) FROM block_sightings), COALESCE((SELECT MAX(id) FROM alerts), 0)";

    public override async Task<DbConnection> OpenReaderAsync(CancellationToken cancellationToken) => await _source.OpenConnectionAsync(cancellationToken);

    private const string InsertReport = """
        WITH r AS (
            INSERT INTO reports (agent_id, sequence, window_start, window_end, region, kind, software_version, received_at, agents_behind)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $34) ON CONFLICT (agent_id, sequence) DO NOTHING RETURNING id),
        c AS (
            INSERT INTO cells (report_id, agent_id, sequence, pool, template_provider, vendor, model, health, miners, hashrate_ths, power_w,
                power_miners, accepted, rejected, confidence, share_ths, share_count, share_miners, share_api_ths, agents, hashrate_seconds)
            SELECT r.id, $1, $2, x.* FROM r, unnest($9::text[], $10::text[], $11::text[], $12::text[], $13::int[], $14::bigint[], $15::float8[],
                $16::float8[], $17::bigint[], $18::bigint[], $19::bigint[], $20::float8[], $21::float8[], $22::bigint[], $23::bigint[], $24::float8[],
                $25::int[], $26::float8[]) AS x),
        b AS (
            INSERT INTO block_sightings (block_hash, height, pool, method, block_time, difficulty, tx_count, agent_id)
            SELECT x.*, $1 FROM r, unnest($27::text[], $28::bigint[], $29::text[], $30::text[], $31::bigint[], $32::float8[], $33::int[]) AS x
            ON CONFLICT (block_hash, agent_id) DO NOTHING)
        SELECT COUNT(*) FROM r
        """;

    public override async Task<bool[]> WriteBatchAsync(IReadOnlyList<PendingWrite> batch)
    {
        // In key order, so two replicas' batches that share reports lock them in the same order and cannot deadlock.
        var order = Enumerable.Range(0, batch.Count)
            .OrderBy(i => batch[i].Report.AgentId, StringComparer.Ordinal).ThenBy(i => batch[i].Report.Sequence).ToArray();
        await using var connection = await _source.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlBatch(connection, tx);
        foreach (var i in order)
        {
            command.BatchCommands.Add(Insert(batch[i]));
        }

        var stored = new bool[batch.Count];
        await using (var reader = await command.ExecuteReaderAsync())
        {
            foreach (var i in order)
            {
                await reader.ReadAsync();
                stored[i] = reader.GetInt64(0) > 0;
                await reader.NextResultAsync();
            }
        }

        await tx.CommitAsync();
        return stored;
    }

    private static NpgsqlBatchCommand Insert(PendingWrite write)
    {
        var (report, cells, blocks) = (write.Report, write.Report.Cells, write.Report.Blocks);
        var command = new NpgsqlBatchCommand(InsertReport);
        object[] values =
        [
            report.AgentId, (long)report.Sequence, report.WindowStart.Seconds, report.WindowEnd.Seconds, report.Region, (int)report.Kind,
            report.SoftwareVersion, write.ReceivedAt.ToUnixTimeMilliseconds(),
            cells.Select(c => c.Key.Pool).ToArray(), cells.Select(c => c.Key.TemplateProvider).ToArray(), cells.Select(c => c.Key.Vendor).ToArray(),
            cells.Select(c => c.Key.Model).ToArray(), cells.Select(c => (int)c.Key.Health).ToArray(), cells.Select(c => (long)c.MinerCount).ToArray(),
            cells.Select(c => c.HashrateThs).ToArray(), cells.Select(c => c.PowerW).ToArray(), cells.Select(c => (long)c.PowerReportingMiners).ToArray(),
            cells.Select(c => (long)c.AcceptedShares).ToArray(), cells.Select(c => (long)c.RejectedShares).ToArray(), cells.Select(c => c.MeanConfidence).ToArray(),
            cells.Select(c => c.ShareHashrateThs).ToArray(), cells.Select(c => (long)c.ShareCount).ToArray(), cells.Select(c => (long)c.ShareMiners).ToArray(),
            cells.Select(c => c.ShareApiHashrateThs).ToArray(), cells.Select(c => (int)Math.Max(1, c.Agents)).ToArray(), cells.Select(c => c.HashrateSeconds).ToArray(),
            blocks.Select(b => b.BlockHash).ToArray(), blocks.Select(b => (long)b.Height).ToArray(), blocks.Select(b => b.Pool).ToArray(),
            blocks.Select(b => b.AttributionMethod).ToArray(), blocks.Select(b => b.BlockTime?.Seconds ?? 0L).ToArray(), blocks.Select(b => b.Difficulty).ToArray(),
            blocks.Select(b => (int)b.TxCount).ToArray(), (int)report.AgentsBehind,
        ];
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
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
        await Execute(connection, tx, "CREATE TEMP TABLE chunk_cells ON COMMIT DROP AS " + RollupSql.ChunkCells(chunk, ReportId), range, cancellationToken);
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

    public override void Dispose()
    {
        foreach (var connection in _leases.Values)
        {
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
