using EdgeFed.Agent.Aggregation;
using EdgeFed.Agent.Attribution;
using EdgeFed.Agent.Uplink;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeFed.Agent.Collectors.Stratum;

/// <summary>Watches every configured pool, reconnecting with capped, jittered backoff; jobs go to the observation buffer.</summary>
public sealed class StratumWatcherService(
    IOptions<StratumWatchOptions> options, PoolAttributor attributor, ObservationBuffer buffer, TimeProvider time, ILogger<StratumWatcherService> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(options.Value.Pools.Where(p => p.Url.Length > 0).Select(p => WatchAsync(p, stoppingToken)));

    private async Task WatchAsync(StratumTarget target, CancellationToken stoppingToken)
    {
        var watcher = new StratumWatcher(attributor, time);
        var attempt = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await watcher.RunSessionAsync(new Uri(target.Url), target.User, target.Password, job =>
                {
                    attempt = 0;
                    buffer.Add(job);
                    Log.JobObserved(logger, target.Url, job.Pool.Name, job.Pool.Method, job.Job.TemplateFingerprint);
                    return ValueTask.CompletedTask;
                }, stoppingToken);
                Log.StratumClosed(logger, target.Url);
            }
            catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException or InvalidDataException && !stoppingToken.IsCancellationRequested)
            {
                Log.StratumFailed(logger, target.Url, ex.Message);
            }

            await Task.Delay(RetryPolicy.Default.Delay(++attempt), time, stoppingToken);
        }
    }
}
