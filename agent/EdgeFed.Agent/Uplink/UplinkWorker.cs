using EdgeFed.Agent.Outbox;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeFed.Agent.Uplink;

/// <summary>
/// Drains the outbox over a Report stream, oldest first, one report in flight, at most
/// <see cref="OutboxOptions.DrainRatePerSecond"/>: a report leaves the outbox only when its ack arrives. Transient
/// failures reopen the stream after a capped, jittered backoff (the outbox keeps filling meanwhile). A report the
/// aggregator rejects as invalid is set aside and the queue moves on; other permanent errors stop the agent with a
/// clear log line (exit code 3) instead of retrying in a loop.
/// </summary>
public sealed class UplinkWorker(
    AggregatorUplink uplink, ReportOutbox outbox, IOptions<AgentOptions> options, IOptions<OutboxOptions> outboxOptions, TimeProvider time,
    IHostApplicationLifetime lifetime, ILogger<UplinkWorker> logger) : BackgroundService
{
    private readonly TimeSpan _spacing = TimeSpan.FromSeconds(1 / outboxOptions.Value.DrainRatePerSecond);
    private DateTimeOffset _nextSend = DateTimeOffset.MinValue;
    private int _acknowledged;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var attempt = 0;
        var reEnrolled = false;
        var enrolAgain = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var health = await uplink.CheckHealthAsync(stoppingToken);
                Log.AggregatorHealth(logger, uplink.Url, health.ToString());
                var key = await uplink.EnsureEnrolledAsync(force: enrolAgain, stoppingToken);
                enrolAgain = false;
                using var session = uplink.OpenReportStream(key, outboxOptions.Value.AckTimeout, stoppingToken);
                attempt = 0;
                if (await DrainAsync(session, stoppingToken))
                {
                    await session.CompleteAsync(stoppingToken);
                    lifetime.StopApplication();
                    return;
                }
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unauthenticated && !reEnrolled && !string.IsNullOrEmpty(options.Value.EnrolmentToken))
            {
                // The aggregator no longer knows our key (e.g. its database was reset): enrol again, once.
                reEnrolled = true;
                Log.ReEnrolling(logger, ex.Status.Detail);
                enrolAgain = true;
            }
            // CANCELLED while we are not stopping was not our doing: the aggregator cancelled the call (e.g. while
            // shutting down). That is not a refusal of this agent, so it is retried like a transient failure.
            catch (RpcException ex) when ((RetryPolicy.IsTransient(ex) || ex.StatusCode == StatusCode.Cancelled) && !stoppingToken.IsCancellationRequested)
            {
                await FailOverAsync(++attempt, ex.StatusCode.ToString(), ex.Status.Detail, stoppingToken);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException && !stoppingToken.IsCancellationRequested)
            {
                // A broken connection that Grpc.Net.Client did not turn into a status (grpc/grpc-dotnet#2638): transient.
                await FailOverAsync(++attempt, nameof(StatusCode.Unavailable), ex.Message, stoppingToken);
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

    /// <summary>
    /// After a transient failure: the next replica (when there are several), after a backoff that grows only once every
    /// replica has failed in turn. Unacknowledged reports stay in the outbox and go to the next replica; one that the
    /// failed replica had committed comes back as a duplicate and is counted once.
    /// </summary>
    private async Task FailOverAsync(int attempt, string status, string detail, CancellationToken stoppingToken)
    {
        var failed = uplink.Url;
        uplink.Endpoints.Failover();
        var delay = RetryPolicy.Default.Delay(uplink.Endpoints.Round(attempt));
        Log.UplinkRetrying(logger, status, uplink.Endpoints.Urls.Count > 1 ? $"{detail} ({failed}; next: {uplink.Url})" : detail, delay);
        await Task.Delay(delay, time, stoppingToken);
    }

    /// <summary>Sends pending reports until <see cref="AgentOptions.MaxReports"/> are acknowledged (true) or the stream must be reopened (false).</summary>
    private async Task<bool> DrainAsync(ReportSession session, CancellationToken stoppingToken)
    {
        while (true)
        {
            if (options.Value.MaxReports > 0 && _acknowledged >= options.Value.MaxReports)
            {
                return true;
            }

            var pending = outbox.Peek(32);
            if (pending.Count == 0)
            {
                await outbox.WaitForReportAsync(TimeSpan.FromSeconds(30), stoppingToken);
                continue;
            }

            if (uplink.Endpoints.ShouldReturn)
            {
                uplink.Endpoints.Return(); // back to this agent's own replica, between two reports
                Log.UplinkReturning(logger, uplink.Url);
                return false;
            }

            foreach (var report in pending)
            {
                await PaceAsync(stoppingToken);
                try
                {
                    var ack = await session.SendAsync(report.Report, stoppingToken);
                    outbox.Acknowledge(report.Sequence);
                    _acknowledged++;
                    Log.ReportAcknowledged(logger, ack.Sequence, report.Report.WindowStart.ToDateTimeOffset(), report.Report.WindowEnd.ToDateTimeOffset(),
                        report.Report.Cells.Count, ack.Duplicate);
                }
                catch (RpcException ex) when (ex.StatusCode == StatusCode.InvalidArgument)
                {
                    outbox.Reject(report.Sequence, ex.Status.Detail);
                    Log.ReportRejected(logger, report.Sequence, ex.Status.Detail);
                    return false; // the aggregator ended this stream; open another for the rest
                }

                if (options.Value.MaxReports > 0 && _acknowledged >= options.Value.MaxReports)
                {
                    return true;
                }
            }
        }
    }

    /// <summary>Keeps sends at least 1/rate apart, so a long backlog drains at the configured rate.</summary>
    private async Task PaceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_nextSend > now)
        {
            await Task.Delay(_nextSend - now, time, cancellationToken);
        }

        _nextSend = (_nextSend > now ? _nextSend : now) + _spacing;
    }
}
