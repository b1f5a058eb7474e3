using Npgsql;
using Xunit;

namespace EdgeFed.Aggregator.Tests.ScaleOut;

/// <summary>
/// The drill of issue 16: two aggregator processes on one PostgreSQL database serve 1,000 agents; one is SIGKILLed in
/// the middle of their streams. Every agent fails over to the other, every acknowledged report is stored exactly once
/// (its cells too), and the set completes.
/// </summary>
public sealed class ReplicaKillDrillTests
{
    private const int Agents = 1000;
    private const int ReportsEach = 20;

    [Fact]
    public async Task OneOfTwoReplicasKilled_MidThousandAgents_EveryAgentFailsOver_AndEachAcknowledgedReportIsStoredOnce()
    {
        var database = await TestPostgres.CreateDatabaseAsync();
        var directory = Directory.CreateTempSubdirectory("edgefed-replicas-").FullName;
        var (portA, portB) = (TestProcesses.FreePort(), TestProcesses.FreePort());
        string[] settings = ["--Aggregator:Store=Postgres", $"--Aggregator:Postgres:ConnectionString={database}"];
        try
        {
            using var a = AggregatorProcess.Start(Path.Combine(directory, "a"), portA, settings);
            (await AggregatorProcess.ConnectAsync(portA)).Dispose(); // A first: it creates the schema, B finds it migrated
            using var b = AggregatorProcess.Start(Path.Combine(directory, "b"), portB, settings);
            (await AggregatorProcess.ConnectAsync(portB)).Dispose();
            using var fleet = new FailoverFleet([new Uri($"http://127.0.0.1:{portA}"), new Uri($"http://127.0.0.1:{portB}")], Agents, ReportsEach);
            await fleet.EnrollAsync();

            var run = fleet.RunAsync(TimeSpan.FromMinutes(4));
            while (fleet.Acked < fleet.Total * 3 / 10 && !run.IsCompleted)
            {
                await Task.Delay(20);
            }

            var ackedBeforeKill = fleet.Acked;
            a.Kill(); // SIGKILL in the middle of the streams
            await run;

            Assert.InRange(ackedBeforeKill, fleet.Total / 4, fleet.Total - 1);
            Assert.True(fleet.Failovers >= Agents / 4, $"only {fleet.Failovers} failovers: the agents on the killed replica did not all move");
            Assert.Equal(Agents, fleet.EndedOn.GetValueOrDefault($"http://127.0.0.1:{portB}/"));
            Assert.Equal(fleet.Total, fleet.Acks.Count);
            var stored = await StoredAsync(database);
            Assert.Equal(fleet.Total, stored.Reports); // every acknowledged report, and the set complete
            Assert.Equal(fleet.Total, stored.Distinct); // once each
            Assert.Equal(2L * fleet.Total, stored.Cells); // and its cells once: nothing half-written by the killed replica
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(database);
            Directory.Delete(directory, recursive: true);
        }
    }

    internal static async Task<(long Reports, long Distinct, long Cells)> StoredAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT (SELECT COUNT(*) FROM reports), (SELECT COUNT(*) FROM (SELECT DISTINCT agent_id, sequence FROM reports) d), (SELECT COUNT(*) FROM cells)", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }
}
