using EdgeFed.Agent.Outbox;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeFed.Agent.Aggregation;

/// <summary>
/// Closes windows: at each aligned window end it builds the report and writes it to the outbox, whether or not the
/// aggregator is reachable. Reports tile time without overlap: each starts where the last ended, except after the
/// wall clock jumped forward (NTP, a board that slept), when it covers the last whole window only. When the clock
/// goes back, no report is made until it passes the last end again. On shutdown the partial window is flushed too.
/// </summary>
public sealed class WindowWorker(ReportFactory reports, ReportOutbox outbox, IOptions<AgentOptions> options, TimeProvider time, ILogger<WindowWorker> logger)
    : BackgroundService
{
    private DateTimeOffset _lastEnd;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _lastEnd = time.GetUtcNow();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var length = options.Value.Window;
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            if (now < _lastEnd)
            {
                Log.ClockWentBack(logger, _lastEnd, now);
                await Task.Delay(_lastEnd - now, time, stoppingToken);
                continue;
            }

            var end = WindowClock.WindowContaining(now, length).End;
            await Task.Delay(end - now, time, stoppingToken);
            now = time.GetUtcNow();
            if (now >= end)
            {
                Close(WindowClock.WindowContaining(now, length).Start); // = end, unless the clock jumped forward meanwhile
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        var now = time.GetUtcNow();
        if (now > _lastEnd)
        {
            Close(now); // the partial window: what was polled since the last report is not lost on a clean stop
        }
    }

    /// <summary>Builds the report for the window ending at <paramref name="end"/> and stores it in the outbox.</summary>
    public void Close(DateTimeOffset end)
    {
        var start = _lastEnd > end - options.Value.Window ? _lastEnd : end - options.Value.Window;
        if (end <= start)
        {
            return;
        }

        var report = reports.Create(start, end);
        outbox.Enqueue(report);
        _lastEnd = end;
        Log.WindowClosed(logger, start, end, report.Sequence, report.Cells.Count, report.Blocks.Count, outbox.Count);
        Log.Traffic(logger, AgentCounters.Polls, AgentCounters.RawReplyBytes, AgentCounters.UplinkBytesSent);
    }
}
