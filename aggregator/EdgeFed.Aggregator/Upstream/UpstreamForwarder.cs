using EdgeFed.Aggregator.Concentration;
using EdgeFed.Aggregator.Storage;
using EdgeFed.Protocol.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeFed.Aggregator.Upstream;

/// <summary>
/// A regional aggregator's link to a global one, as an agent of kind AGENT_KIND_AGGREGATOR. Every
/// <see cref="UpstreamOptions.Every"/>, the replica that leads "upstream": builds a report for each window that closed
/// (the grace period has passed since its end and since the last report for it arrived, so an agent's backlog for an
/// old window is not cut in two) and had reports or blocks — the cells merged over its agents with
/// k-anonymity applied here, the blocks merged by hash, the window start as its sequence number — into the outbox in
/// the store; then sends the outbox oldest first and marks each report when its ack arrives. A cut-off global
/// aggregator is caught up with when it answers again; a report sent twice is a duplicate there, counted once.
/// </summary>
public sealed class UpstreamForwarder(ReportStore store, IOptions<AggregatorOptions> options, TimeProvider time, ILogger<UpstreamForwarder> logger)
    : BackgroundService
{
    private const int MaxWindowsPerTick = 500;
    private readonly Dictionary<string, GrpcChannel> _channels = new(StringComparer.Ordinal);
    private int _url;
    private string? _key;

    private UpstreamOptions Upstream => options.Value.Upstream;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Upstream.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(Upstream.Every, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (!await store.TryLeadAsync("upstream", stoppingToken))
                {
                    continue;
                }

                await BuildClosedWindowsAsync(stoppingToken);
                await DrainAsync(stoppingToken);
            }
            catch (RpcException ex) when (!stoppingToken.IsCancellationRequested)
            {
                Failed(ex.StatusCode == StatusCode.Unauthenticated, $"{ex.StatusCode}: {ex.Status.Detail}");
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException && !stoppingToken.IsCancellationRequested)
            {
                Failed(false, ex.Message);
            }
            catch (Exception ex) when (ReportStore.IsStoreError(ex))
            {
                Log.UpstreamFailed(logger, Upstream.Urls[_url], "store: " + ex.Message);
            }
        }
    }

    private void Failed(bool enrolAgain, string reason)
    {
        Log.UpstreamFailed(logger, Upstream.Urls[_url], reason);
        _url = (_url + 1) % Upstream.Urls.Count; // the next of the global aggregator's replicas, if it has several
        if (enrolAgain)
        {
            _key = null;
        }
    }

    /// <summary>Builds the outbox entries of the windows closed since the last one built.</summary>
    public async Task<int> BuildClosedWindowsAsync(CancellationToken cancellationToken)
    {
        var length = (long)Upstream.Window.TotalSeconds;
        var now = time.GetUtcNow();
        var closedBy = now.ToUnixTimeSeconds() - (long)Upstream.Grace.TotalSeconds;
        var next = await store.LastUpstreamWindowAsync(cancellationToken) is { } last ? last + length : long.MinValue;
        var built = 0;
        while (built < MaxWindowsPerTick && await store.NextDataAsync(next, cancellationToken) is { } data)
        {
            var start = data >= 0 ? data / length * length : -((-data + length - 1) / length * length);
            if (start + length > closedBy
                || await store.LastArrivalAsync(start, start + length, cancellationToken) is { } arrived && arrived + (long)Upstream.Grace.TotalMilliseconds > now.ToUnixTimeMilliseconds())
            {
                break; // windows go upstream in order: the later ones wait for this one
            }

            var report = await BuildAsync(start, start + length, cancellationToken);
            await store.EnqueueUpstreamAsync(new UpstreamEntry(start, start, report.ToByteArray()), cancellationToken);
            Log.UpstreamBuilt(logger, DateTimeOffset.FromUnixTimeSeconds(start), report.Cells.Count, report.Blocks.Count, report.AgentsBehind);
            next = start + length;
            built++;
        }

        return built;
    }

    private async Task<AggregateReport> BuildAsync(long from, long to, CancellationToken cancellationToken)
    {
        var (cells, _, agents) = await store.MergedCellsAsync(from, to, options.Value.MinAgentsPerCell, cancellationToken);
        var blocks = BlockMerger.Merge(await store.BlockSightingsAsync(from, to, cancellationToken));
        var report = new AggregateReport
        {
            AgentId = Upstream.AgentId, Sequence = (ulong)from, WindowStart = new Timestamp { Seconds = from }, WindowEnd = new Timestamp { Seconds = to },
            Region = Upstream.Region, Kind = AgentKind.Aggregator, AgentsBehind = agents,
            SoftwareVersion = typeof(UpstreamForwarder).Assembly.GetName().Version?.ToString() ?? "0",
        };
        report.Cells.AddRange(cells);
        report.Blocks.AddRange(blocks.Select(b => new BlockObservation
        {
            Height = (uint)b.Height, BlockHash = b.Hash, Pool = b.Pool, AttributionMethod = b.Method, BlockTime = new Timestamp { Seconds = b.Time },
            Difficulty = b.Difficulty, TxCount = (uint)b.TxCount,
        }));
        return report;
    }

    /// <summary>Sends the outbox, oldest first, one report in flight; returns how many were acknowledged.</summary>
    public async Task<int> DrainAsync(CancellationToken cancellationToken)
    {
        var acked = 0;
        while (await store.PendingUpstreamAsync(64, cancellationToken) is { Count: > 0 } pending)
        {
            var client = new Protocol.V1.Aggregator.AggregatorClient(Channel());
            _key ??= (await client.EnrollAsync(new EnrollRequest
            {
                AgentId = Upstream.AgentId, EnrolmentToken = Upstream.EnrolmentToken, Region = Upstream.Region, Kind = AgentKind.Aggregator,
            }, deadline: DateTime.UtcNow.AddSeconds(15), cancellationToken: cancellationToken)).AgentKey;
            var headers = new Metadata { { "authorization", "Bearer " + _key }, { "grpc-internal-encoding-request", "gzip" } };
            using var call = client.Report(headers, DateTime.UtcNow.AddMinutes(2), cancellationToken);
            foreach (var entry in pending)
            {
                await call.RequestStream.WriteAsync(AggregateReport.Parser.ParseFrom(entry.Report), cancellationToken);
                if (!await call.ResponseStream.MoveNext(cancellationToken) || call.ResponseStream.Current.Sequence != (ulong)entry.Sequence)
                {
                    throw new RpcException(new Status(StatusCode.Unavailable, $"no ack for upstream report {entry.Sequence}"));
                }

                await store.AckUpstreamAsync(entry.Sequence, cancellationToken);
                acked++;
            }

            await call.RequestStream.CompleteAsync();
            Log.UpstreamSent(logger, Upstream.Urls[_url], pending.Count);
        }

        return acked;
    }

    private GrpcChannel Channel()
    {
        var url = Upstream.Urls[_url];
        if (!_channels.TryGetValue(url, out var channel))
        {
            channel = GrpcChannel.ForAddress(url, new GrpcChannelOptions
            {
                HttpHandler = new SocketsHttpHandler
                {
                    KeepAlivePingDelay = TimeSpan.FromSeconds(60), KeepAlivePingTimeout = TimeSpan.FromSeconds(20), ConnectTimeout = TimeSpan.FromSeconds(10),
                },
            });
            _channels[url] = channel;
        }

        return channel;
    }

    public override void Dispose()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }

        base.Dispose();
    }
}
