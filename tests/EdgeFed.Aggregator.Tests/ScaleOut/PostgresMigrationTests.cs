using EdgeFed.Aggregator.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using Xunit;

namespace EdgeFed.Aggregator.Tests.ScaleOut;

/// <summary>The PostgreSQL schema is created once, even by replicas starting together, kept across starts, and a newer one is refused clearly.</summary>
public sealed class PostgresMigrationTests
{
    private static ReportStore Open(string database) => new(Options.Create(new AggregatorOptions
    {
        Store = StoreKind.Postgres, Postgres = new PostgresOptions { ConnectionString = database }, EnrolmentToken = AggregatorHost.Token,
    }));

    [Fact]
    public async Task ReplicasStartingTogether_MigrateOnce_AndARestartKeepsTheData()
    {
        var database = await TestPostgres.CreateDatabaseAsync();
        try
        {
            var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Open(database))));
            Assert.True(await stores[0].StoreAsync(ReportBuilder.Report("farm-1", 1, ReportBuilder.Cell("foundryusa", 100)), DateTimeOffset.UtcNow, default));
            Assert.False(await stores[3].StoreAsync(ReportBuilder.Report("farm-1", 1, ReportBuilder.Cell("foundryusa", 100)), DateTimeOffset.UtcNow, default));
            foreach (var store in stores)
            {
                store.Dispose();
            }

            using (var again = Open(database))
            {
                Assert.Equal(100, (await again.HashrateByAsync(EdgeFed.Protocol.V1.Dimension.Pool, 0, long.MaxValue, default)).Sum(c => c.Value));
            }

            Assert.Equal(Enumerable.Range(1, PostgresSchema.Migrations.Count), await VersionsAsync(database));
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(database);
        }
    }

    [Fact]
    public async Task ADatabaseAtVersion1_GetsItsAgentsActivityCounted_AndResendsStayDuplicates()
    {
        var database = await TestPostgres.CreateDatabaseAsync();
        try
        {
            await using (var connection = new NpgsqlConnection(database))
            {
                await connection.OpenAsync();
                await using var v1 = new NpgsqlCommand(
                    "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now()); " + PostgresSchema.Migrations[0] +
                    "; INSERT INTO schema_migrations (version) VALUES (1);" +
                    "INSERT INTO agents VALUES ('old-a', 'ha', 'CA', 1, 0), ('old-r', 'hr', 'NO', 4, 0);" +
                    "INSERT INTO reports (agent_id, sequence, window_start, window_end, region, kind, software_version, received_at, agents_behind) VALUES " +
                    "('old-a', 1, 1000, 1060, 'CA', 1, 'v0', 5000, 0), ('old-a', 2, 1060, 1120, 'CA', 1, 'v0', 6000, 0), " +
                    "('old-r', 8, 1000, 1600, 'NO', 4, 'v0', 7000, 80), ('old-r', 9, 1600, 2200, 'NO', 4, 'v0', 8000, 90)", connection);
                await v1.ExecuteNonQueryAsync();
            }

            using var store = Open(database);
            var agents = (await store.ListAgentsAsync(default)).ToDictionary(a => a.AgentId);
            Assert.Equal((2ul, 6000L), (agents["old-a"].Reports, agents["old-a"].LastReport.ToDateTimeOffset().ToUnixTimeMilliseconds()));
            Assert.Equal((2ul, 90u), (agents["old-r"].Reports, agents["old-r"].AgentsBehind)); // the latest sequence's
            Assert.False(await store.StoreAsync(ReportBuilder.Report("old-a", 2, ReportBuilder.Cell("foundryusa", 100)), DateTimeOffset.UtcNow, default));
            Assert.True(await store.StoreAsync(ReportBuilder.Report("old-a", 3, ReportBuilder.Cell("foundryusa", 100)), DateTimeOffset.UtcNow, default));
            Assert.Equal(3ul, (await store.ListAgentsAsync(default)).Single(a => a.AgentId == "old-a").Reports);
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(database);
        }
    }

    [Fact]
    public async Task ASchemaNewerThanThisAggregator_IsRefused_WithAMessageThatSaysSo()
    {
        var database = await TestPostgres.CreateDatabaseAsync();
        try
        {
            Open(database).Dispose();
            await using (var connection = new NpgsqlConnection(database))
            {
                await connection.OpenAsync();
                await using var newer = new NpgsqlCommand("INSERT INTO schema_migrations (version) VALUES (99)", connection);
                await newer.ExecuteNonQueryAsync();
            }

            var refused = Assert.Throws<InvalidOperationException>(() => Open(database));
            Assert.Contains("version 99", refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(database);
        }
    }

    private static async Task<List<int>> VersionsAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT version FROM schema_migrations ORDER BY version", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var versions = new List<int>();
        while (await reader.ReadAsync())
        {
            versions.Add(reader.GetInt32(0));
        }

        return versions;
    }
}
