using EdgeFed.Aggregator.Storage;
using EdgeFed.Protocol.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;
using Xunit;
using static EdgeFed.Aggregator.Tests.ReportBuilder;

namespace EdgeFed.Aggregator.Tests.ScaleOut;

/// <summary>
/// The same reports stored in SQLite and in PostgreSQL answer every read the same, raw and rolled up: hashrate by
/// every dimension with the agents behind, shares, series, coverage, block sightings, the agent list, the merged
/// cells a regional forwards, and the duplicates each refused.
/// </summary>
public sealed class StoreParityTests
{
    [Fact]
    public async Task SqliteAndPostgres_AnswerEveryReadTheSame_RawAndRolledUp()
    {
        var directory = Directory.CreateTempSubdirectory("edgefed-parity-").FullName;
        var database = await TestPostgres.CreateDatabaseAsync();
        var now = DateTimeOffset.UtcNow;
        try
        {
            using var sqlite = new ReportStore(Options.Create(new AggregatorOptions { DatabasePath = Path.Combine(directory, "parity.db"), EnrolmentToken = AggregatorHost.Token }));
            using var postgres = new ReportStore(Options.Create(new AggregatorOptions
            {
                Store = StoreKind.Postgres, Postgres = new PostgresOptions { ConnectionString = database }, EnrolmentToken = AggregatorHost.Token,
            }));
            var results = new List<string>();
            foreach (var store in new[] { sqlite, postgres })
            {
                var duplicates = 0;
                foreach (var (agent, kind) in new[] { ("f1", AgentKind.Farm), ("f2", AgentKind.Farm), ("n1", AgentKind.Node), ("r1", AgentKind.Aggregator) })
                {
                    await store.SaveAgentAsync(agent, "hash-" + agent, agent == "f2" ? "NO" : "CA", kind, now, default);
                }

                foreach (var report in Reports(now))
                {
                    duplicates += await store.StoreAsync(report, now, default) ? 0 : 1;
                }

                var raw = await StoreSnapshot.TakeAsync(store, now);
                while (await store.RollUpAsync(13, default) > 0)
                {
                }

                var rolled = await StoreSnapshot.TakeAsync(store, now);
                Assert.Equal(raw, rolled);
                var agents = (await store.ListAgentsAsync(default)).Select(a => $"{a.AgentId}/{a.Region}/{a.Kind}/{a.Reports}/{a.AgentsBehind}");
                var merged = await store.MergedCellsAsync(now.AddDays(-4).ToUnixTimeSeconds(), now.ToUnixTimeSeconds(), 2, default);
                results.Add(string.Join("\n", [raw, .. agents, $"duplicates={duplicates}", $"suppressed={merged.Suppressed} behind={merged.Agents}", .. merged.Cells.Select(Text)]));
            }

            Assert.Contains("foundryusa", results[0], StringComparison.Ordinal);
            Assert.Equal(results[0], results[1]);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            await TestPostgres.DropDatabaseAsync(database);
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string Text(AggregateCell c) =>
        $"{c.Key}/{c.MinerCount}/{c.HashrateThs:G12}/{c.PowerW:G12}/{c.ShareCount}/{c.ShareMiners}/{c.ShareHashrateThs:G12}/{c.ShareApiHashrateThs:G12}/" +
        $"{c.HashrateSeconds:G12}/{c.Agents}/{c.MeanConfidence:G12}";

    /// <summary>Two farms, a node agent with blocks and a regional's merged report, over three days, with two resends.</summary>
    private static IEnumerable<AggregateReport> Reports(DateTimeOffset now)
    {
        ulong sequence = 0;
        for (var minute = 3 * 24 * 60; minute > 5; minute -= 61)
        {
            var start = now.AddMinutes(-minute);
            foreach (var agent in new[] { "f1", "f2" })
            {
                var report = Report(agent, ++sequence, Cell(minute % 3 == 0 ? "foundryusa" : "antpool", minute / 7.0), Cell("viabtc", 12.5));
                (report.WindowStart, report.WindowEnd, report.Region) = (Timestamp.FromDateTimeOffset(start), Timestamp.FromDateTimeOffset(start.AddMinutes(1)), agent == "f2" ? "NO" : "CA");
                report.Cells[1].Key.Health = HealthClass.Overheating;
                report.Cells[1].Key.Vendor = "MicroBT";
                (report.Cells[0].ShareCount, report.Cells[0].ShareMiners, report.Cells[0].ShareHashrateThs, report.Cells[0].ShareApiHashrateThs) = (50, 2, minute / 7.0, minute / 6.0);
                yield return report;
            }

            var node = Report("n1", ++sequence);
            (node.Kind, node.WindowStart, node.WindowEnd) = (AgentKind.Node, Timestamp.FromDateTimeOffset(start), Timestamp.FromDateTimeOffset(start.AddMinutes(1)));
            node.Blocks.Add(new BlockObservation
            {
                Height = (uint)(930_000 + minute), BlockHash = $"{930_000 + minute:x64}", Pool = minute % 2 == 0 ? "foundryusa" : "f2pool", AttributionMethod = "tag",
                BlockTime = Timestamp.FromDateTimeOffset(start), Difficulty = 1.4e14, TxCount = 3000,
            });
            yield return node;
        }

        var regional = Report("r1", 1, Cell("marapool", 900));
        (regional.Kind, regional.AgentsBehind, regional.Cells[0].Agents, regional.Cells[0].HashrateSeconds) = (AgentKind.Aggregator, 7, 5, 900 * 60);
        yield return regional;
        yield return Report("f1", 1, Cell("foundryusa", 1)); // resends: duplicates, not counted
        yield return regional.Clone();
    }
}
