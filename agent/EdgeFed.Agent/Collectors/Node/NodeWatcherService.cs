using EdgeFed.Agent.Aggregation;
using EdgeFed.Agent.Attribution;
using EdgeFed.Agent.Outbox;
using EdgeFed.Agent.Uplink;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeFed.Agent.Collectors.Node;

/// <summary>
/// Runs the node watcher when <c>Agent:Node:Url</c> is set: polls the tip, logs blocks, runs and reorgs, buffers blocks
/// for the next report. After a restart it resumes from the newest block already in a queued report, so blocks mined
/// while it was down (or seen in a window it never closed) are caught up.
/// </summary>
public sealed class NodeWatcherService(
    IOptions<NodeWatchOptions> options, PoolAttributor attributor, ObservationBuffer buffer, ReportOutbox outbox, TimeProvider time,
    ILogger<NodeWatcherService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (string.IsNullOrEmpty(o.Url))
        {
            return;
        }

        using var rpc = o.CookieFile is { Length: > 0 } cookie
            ? BitcoinRpcClient.WithCookie(new Uri(o.Url), cookie)
            : BitcoinRpcClient.WithPassword(new Uri(o.Url), o.User ?? string.Empty, o.Password ?? string.Empty);
        var watcher = new NodeWatcher(rpc, attributor);
        if (outbox.LastQueuedBlock() is { } last)
        {
            watcher.Resume(last.Hash, last.Height);
            Log.NodeWatchResumed(logger, last.Height, NodeWatcher.MaxResumeCatchUp);
        }

        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var seen in await watcher.PollAsync(stoppingToken))
                {
                    Report(seen);
                }

                failures = 0;
                await Task.Delay(o.PollInterval, time, stoppingToken);
            }
            catch (Exception ex) when (ex is BitcoinRpcException or HttpRequestException or Attribution.Bitcoin.DecodeException && !stoppingToken.IsCancellationRequested)
            {
                var delay = RetryPolicy.Default.Delay(++failures);
                Log.NodeWatchFailed(logger, o.Url, ex.Message, delay);
                await Task.Delay(delay, time, stoppingToken);
            }
        }
    }

    private void Report(NodeEvent seen)
    {
        switch (seen)
        {
            case BlockObserved block:
                buffer.Add(block);
                Log.BlockObserved(logger, block.Height, block.Pool.Name, block.Pool.Method, block.RunLength);
                break;
            case ReorgObserved reorg:
                Log.ReorgObserved(logger, reorg.Depth, reorg.ForkHeight);
                break;
        }
    }
}
