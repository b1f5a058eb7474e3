using EdgeFed.Agent.Aggregation;
using EdgeFed.Protocol.Grpc;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeFed.Agent.Uplink;

/// <summary>
/// Checks the aggregator's health, enrols once, then sends one report per closed window on a Report stream
/// and waits for its ack. Transient failures reopen the stream after a backoff; permanent ones stop the agent
/// with a clear log line instead of retrying in a loop.
/// </summary>
public sealed class UplinkWorker(
    AggregatorUplink uplink, ReportFactory reports, IOptions<AgentOptions> options, TimeProvider time,
    IHostApplicationLifetime lifetime, ILogger<UplinkWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var acknowledged = 0;
        var attempt = 0;
        var reEnrolled = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var health = await uplink.CheckHealthAsync(stoppingToken);
                Log.AggregatorHealth(logger, options.Value.AggregatorUrl, health.ToString());
                var key = await uplink.EnsureEnrolledAsync(force: false, stoppingToken);
                using var session = uplink.OpenReportStream(key, stoppingToken);
                attempt = 0;
                while (options.Value.MaxReports == 0 || acknowledged < options.Value.MaxReports)
                {
                    var window = WindowClock.WindowContaining(time.GetUtcNow(), options.Value.Window);
                    await Task.Delay(window.End - time.GetUtcNow(), time, stoppingToken);
                    var report = reports.Create(window.Start, window.End);
                    var ack = await session.SendAsync(report, stoppingToken);
                    acknowledged++;
                    Log.ReportAcknowledged(logger, ack.Sequence, window.Start, window.End, report.Cells.Count, ack.Duplicate);
                }

                await session.CompleteAsync(stoppingToken);
                lifetime.StopApplication();
                return;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unauthenticated && !reEnrolled && !string.IsNullOrEmpty(options.Value.EnrolmentToken))
            {
                // The aggregator no longer knows our key (e.g. its database was reset): enrol again, once.
                reEnrolled = true;
                Log.ReEnrolling(logger, ex.Status.Detail);
                await uplink.EnsureEnrolledAsync(force: true, stoppingToken);
            }
            catch (RpcException ex) when (RetryPolicy.IsTransient(ex.StatusCode) && !stoppingToken.IsCancellationRequested)
            {
                var delay = RetryPolicy.Default.Delay(++attempt);
                Log.UplinkRetrying(logger, ex.StatusCode.ToString(), ex.Status.Detail, delay);
                await Task.Delay(delay, time, stoppingToken);
            }
            catch (RpcException ex) when (!stoppingToken.IsCancellationRequested)
            {
                Log.UplinkFailedPermanently(logger, ex.StatusCode.ToString(), ex.Status.Detail);
                Environment.ExitCode = 3;
                lifetime.StopApplication();
                return;
            }
        }
    }
}
