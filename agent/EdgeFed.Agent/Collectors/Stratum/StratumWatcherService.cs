using EdgeFed.Agent.Aggregation;
using EdgeFed.Agent.Attribution;
using EdgeFed.Agent.Uplink;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeFed.Agent.Collectors.Stratum;

/// <summary>
/// Watches every configured pool (reconnecting with capped, jittered backoff) and runs the configured pass-through
/// proxies; the jobs seen either way go to the observation buffer.
/// </summary>
public sealed class StratumWatcherService(
    IOptions<StratumWatchOptions> options, PoolAttributor attributor, ObservationBuffer buffer, ShareLedger shares, TimeProvider time,
    ILogger<StratumWatcherService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var proxies = options.Value.Proxies.Where(p => p.Upstream.Length > 0).Select(p => new StratumProxy(
            new System.Net.IPEndPoint(System.Net.IPAddress.Parse(p.Listen), p.ListenPort), new Uri(p.Upstream), attributor, time, job =>
            {
                buffer.Add(job);
                return ValueTask.CompletedTask;
            }, shares)).ToList();
        try
        {
            await Task.WhenAll(options.Value.Pools.Where(p => p.Url.Length > 0).Select(p => WatchAsync(p, stoppingToken)));
            await Task.Delay(proxies.Count > 0 ? Timeout.InfiniteTimeSpan : TimeSpan.Zero, time, stoppingToken);
        }
        finally
        {
            foreach (var proxy in proxies)
            {
                await proxy.DisposeAsync();
            }
        }
    }

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
