using Xunit;

namespace EdgeFed.Aggregator.Tests;

/// <summary>
/// The SQLite library runs in multi-thread mode in the aggregator (Storage/SqliteLibrary.cs): set before the first
/// connection opens or not at all, so anything that opened one before the store would leave it serialized, silently
/// slower. The startup line says which mode is in effect.
/// </summary>
public sealed class SqliteLibraryTests
{
    [Fact]
    public async Task Serve_OpensItsStoreWithSqliteInMultiThreadMode()
    {
        var directory = Directory.CreateTempSubdirectory("edgefed-sqlite-mode-").FullName;
        var port = TestProcesses.FreePort();
        using (var aggregator = AggregatorProcess.Start(directory, port))
        {
            using var channel = await AggregatorProcess.ConnectAsync(port);
            string? listening = null;
            for (var attempt = 0; attempt < 100 && listening is null; attempt++) // the line may reach the pipe after the health check answers
            {
                listening = aggregator.Output.FirstOrDefault(l => l.Contains("Aggregator listening on", StringComparison.Ordinal));
                await Task.Delay(50);
            }

            Assert.NotNull(listening);
            Assert.Contains($"{Path.Combine(directory, "aggregator.db")} (SQLite multi-thread)", listening);
        }

        Directory.Delete(directory, recursive: true);
    }
}
