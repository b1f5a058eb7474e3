using EdgeFed.Aggregator.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Xunit;

namespace EdgeFed.Aggregator.Tests;

/// <summary>The SQLite store checkpoints its WAL from a connection of its own while it runs, never inside a commit.</summary>
public sealed class WalCheckpointTests
{
    [Fact]
    public async Task Store_CopiesItsWalIntoTheFile_WhileOpen_WithoutAnyCommitDoingIt()
    {
        var directory = Directory.CreateTempSubdirectory("edgefed-wal-").FullName;
        var path = Path.Combine(directory, "aggregator.db");
        try
        {
            using (var store = new ReportStore(Options.Create(new AggregatorOptions { DatabasePath = path, EnrolmentToken = AggregatorHost.Token })))
            {
                var atOpen = new FileInfo(path).Length;
                await Task.WhenAll(Enumerable.Range(0, 20).Select(async writer =>
                {
                    for (var s = 1ul; s <= 100; s++)
                    {
                        Assert.True(await store.StoreAsync(ReportBuilder.Report($"wal-{writer}", s, ReportBuilder.Cell("foundryusa", 100), ReportBuilder.Cell("antpool", 50)),
                            DateTimeOffset.UtcNow, CancellationToken.None));
                    }
                }));
                // 6,000 rows: far past what the file held at open. The writer's automatic checkpoint is off, so only the
                // checkpointer can have moved them from the WAL into the file.
                var expected = atOpen + 256 * 1024;
                using var waited = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                while (new FileInfo(path).Length <= expected && !waited.IsCancellationRequested)
                {
                    await Task.Delay(50, CancellationToken.None);
                }

                Assert.True(new FileInfo(path).Length > expected, $"the database file stayed at {new FileInfo(path).Length} bytes: nothing checkpointed the WAL");
            }

            SqliteConnection.ClearAllPools();
            using var check = new SqliteConnection($"Data Source={path};Pooling=false");
            check.Open();
            using var count = check.CreateCommand();
            count.CommandText = "SELECT COUNT(*) FROM reports";
            Assert.Equal(2000L, count.ExecuteScalar()); // nothing acknowledged was lost
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task AWalPastTheCatchUpSize_AsksTheWriterToCatchUp()
    {
        var directory = Directory.CreateTempSubdirectory("edgefed-wal-").FullName;
        var path = Path.Combine(directory, "aggregator.db");
        try
        {
            var connectionString = $"Data Source={path};Pooling=false";
            using var writer = new SqliteConnection(connectionString);
            writer.Open();
            using (var setup = writer.CreateCommand())
            {
                setup.CommandText = "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0; CREATE TABLE t (x BLOB);";
                setup.ExecuteNonQuery();
            }

            // 40 commits of a 16 KiB row: well over 40 frames, and nothing starts the WAL over (no write follows a checkpoint).
            for (var i = 0; i < 40; i++)
            {
                using var insert = writer.CreateCommand();
                insert.CommandText = "INSERT INTO t VALUES (zeroblob(16384))";
                insert.ExecuteNonQuery();
            }

            using var small = new WalCheckpointer(connectionString, TimeSpan.FromMilliseconds(20), catchUpFrames: 1_000_000);
            using var checkpointer = new WalCheckpointer(connectionString, TimeSpan.FromMilliseconds(20), catchUpFrames: 40);
            using var waited = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var asked = false;
            while (!asked && !waited.IsCancellationRequested)
            {
                await Task.Delay(20, CancellationToken.None);
                asked = checkpointer.TakeCatchUpRequest();
            }

            Assert.True(asked, "a WAL of more than 40 frames never raised a catch-up request");
            Assert.False(small.TakeCatchUpRequest()); // the same WAL under a larger threshold: no request
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }
}
