using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeFed.Aggregator.Storage;

/// <summary>
/// Keeps the roll-ups close behind ingest: every <see cref="AggregatorOptions.RollupEvery"/> it rolls the reports
/// stored since, in chunks that hold the writer only briefly, so acknowledgements never wait long behind it.
/// </summary>
public sealed class RollupService(ReportStore store, IOptions<AggregatorOptions> options, TimeProvider time, ILogger<RollupService> logger) : BackgroundService
{
    public const int Chunk = 20_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RollupEvery, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                while (await store.RollUpAsync(Chunk, stoppingToken) == Chunk)
                {
                    await Task.Yield(); // let waiting report batches commit between chunks
                }
            }
            catch (SqliteException ex)
            {
                Log.RollupFailed(logger, ex.Message);
            }
        }
    }
}
