using System.Data.Common;
using System.Threading.Channels;
using EdgeFed.Protocol.V1;

namespace EdgeFed.Aggregator.Storage;

/// <summary>
/// A report waiting for the group commit, completed with true (stored) or false (a duplicate) after it. It is its own
/// completion source: one object per report on the ingest path instead of two.
/// </summary>
internal sealed class PendingWrite(AggregateReport report, DateTimeOffset receivedAt) : TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously)
{
    public AggregateReport Report { get; } = report;

    public DateTimeOffset ReceivedAt { get; } = receivedAt;

    public TaskCompletionSource<bool> Done => this;
}

/// <summary>What the group commit did with one batch: per report, stored (true) or a duplicate, or the store's failure.</summary>
internal delegate void BatchCommitted(List<PendingWrite> batch, bool[]? stored, Exception? failure, TimeSpan took);

/// <summary>
/// What differs between the embedded SQLite store and the shared PostgreSQL one: connections, the batched insert, the
/// roll-ups' watermark, leadership among replicas and a few SQL spellings. Everything else (the group commit, every
/// query) is <see cref="ReportStore"/>'s, written once in SQL both accept (named parameters as <c>@name</c>).
/// </summary>
internal abstract class StoreBackend : IDisposable
{
    /// <summary>The column that numbers reports in the order they were stored ("rowid" in SQLite).</summary>
    public abstract string ReportId { get; }

    /// <summary>The join of a report <c>r</c> to its cells <c>c</c>.</summary>
    public abstract string CellsOfReport { get; }

    /// <summary>A predicate on <c>r</c> (reports) that holds for the reports the roll-ups do not hold yet.</summary>
    public abstract string PastWatermark { get; }

    /// <summary>The two-argument maximum (SQLite's scalar MAX, PostgreSQL's GREATEST).</summary>
    public abstract string Greatest { get; }

    /// <summary>One row: a number that moves when reports, block sightings and alerts are added (the dashboard refreshes on it).</summary>
    public abstract string VersionSql { get; }

    public abstract Task<DbConnection> OpenReaderAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The group commit's turn: takes every report waiting in <paramref name="queue"/> (up to <paramref name="maxBatch"/>)
    /// into <paramref name="batch"/>, writes them in one transaction and hands the outcome to <paramref name="committed"/>
    /// (a store's failure too: nothing of that batch is acknowledged). A store may commit more batches in the same turn
    /// while reports keep waiting.
    /// </summary>
    public abstract Task CommitQueuedAsync(ChannelReader<PendingWrite> queue, List<PendingWrite> batch, int maxBatch, BatchCommitted committed);

    /// <summary>Moves up to <paramref name="max"/> waiting reports into <paramref name="batch"/> (cleared first); how many.</summary>
    protected static int Take(ChannelReader<PendingWrite> queue, List<PendingWrite> batch, int max)
    {
        batch.Clear();
        while (batch.Count < max && queue.TryRead(out var next))
        {
            batch.Add(next);
        }

        return batch.Count;
    }

    /// <summary>One write statement outside the report batches (enrolment, alerts, the upstream outbox); rows affected.</summary>
    public abstract Task<int> ExecuteWriteAsync(string sql, (string Name, object Value)[] parameters, CancellationToken cancellationToken);

    /// <summary>Rolls up to <paramref name="maxReports"/> reports past the watermark; returns how many it rolled.</summary>
    public abstract Task<int> RollUpAsync(int maxReports, CancellationToken cancellationToken);

    /// <summary>
    /// True while this process leads <paramref name="role"/> among the replicas on the store (one evaluates alerts,
    /// one forwards upstream); a process that dies loses the lead with its connection.
    /// </summary>
    public abstract Task<bool> TryLeadAsync(string role, CancellationToken cancellationToken);

    public abstract void Dispose();

    public static DbCommand Command(DbConnection connection, DbTransaction? tx, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}

/// <summary>Reading aggregates the same from both stores: PostgreSQL sums integers as bigint or numeric, SQLite as integer.</summary>
internal static class ReaderValues
{
    public static long Long(this DbDataReader reader, int ordinal) => Convert.ToInt64(reader.GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);

    public static int Int(this DbDataReader reader, int ordinal) => Convert.ToInt32(reader.GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);

    public static double Double(this DbDataReader reader, int ordinal) => Convert.ToDouble(reader.GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);
}
