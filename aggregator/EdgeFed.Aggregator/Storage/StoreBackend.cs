using System.Data.Common;
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

/// <summary>
/// What differs between the embedded SQLite store and the shared PostgreSQL one: connections, the batched insert, the
/// roll-ups' watermark, leadership among replicas and a few SQL spellings. Everything else (the group commit, every
/// query) is <see cref="ReportStore"/>'s, written once in SQL both accept (named parameters as <c>@name</c>).
/// </summary>
internal abstract class StoreBackend : IDisposable
{
    /// <summary>The column that numbers reports in the order they were stored ("rowid" in SQLite).</summary>
    public abstract string ReportId { get; }

    /// <summary>A predicate on <c>r</c> (reports) that holds for the reports the roll-ups do not hold yet.</summary>
    public abstract string PastWatermark { get; }

    /// <summary>The two-argument maximum (SQLite's scalar MAX, PostgreSQL's GREATEST).</summary>
    public abstract string Greatest { get; }

    /// <summary>One row: a number that moves when reports, block sightings and alerts are added (the dashboard refreshes on it).</summary>
    public abstract string VersionSql { get; }

    public abstract Task<DbConnection> OpenReaderAsync(CancellationToken cancellationToken);

    /// <summary>Writes the batch in one transaction and commits it; per report, true when stored, false when a duplicate.</summary>
    public abstract Task<bool[]> WriteBatchAsync(IReadOnlyList<PendingWrite> batch);

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
