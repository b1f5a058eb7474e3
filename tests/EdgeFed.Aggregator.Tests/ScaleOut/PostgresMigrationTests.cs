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

            Assert.Equal([1], await VersionsAsync(database));
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
