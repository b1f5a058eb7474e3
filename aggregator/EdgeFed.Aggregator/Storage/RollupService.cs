using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeFed.Aggregator.Storage;

/// <summary>
/// Keeps the roll-ups close behind ingest: every <see cref="AggregatorOptions.RollupEvery"/> it rolls the reports
/// stored since, in chunks, resting seven times as long as each chunk took, so rolling takes at most an eighth of a
/// core from ingest (measured: unpaced, it raised the p99 ack at half the ingest ceiling from ~45 ms to ~500 ms on two
/// cores). On SQLite the chunks also run at the lowest CPU priority (<see cref="BackgroundPriority"/>), so a core is the
/// ingest's whenever it needs it. Under sustained full load it falls behind and catches up later; the reads stay exact
/// either way, with more raw cells past the watermark to add.
/// </summary>
public sealed class RollupService(ReportStore store, IOptions<AggregatorOptions> options, TimeProvider time, ILogger<RollupService> logger) : BackgroundService
{
    public const int Chunk = 1_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RollupEvery, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                while (true)
                {
                    var started = time.GetTimestamp();
                    if (await store.RollUpAsync(Chunk, stoppingToken) < Chunk)
                    {
                        break;
                    }

                    await Task.Delay(7 * time.GetElapsedTime(started), time, stoppingToken);
                }
            }
            catch (Exception ex) when (ReportStore.IsStoreError(ex))
            {
                Log.RollupFailed(logger, ex.Message);
            }
        }
    }
}
