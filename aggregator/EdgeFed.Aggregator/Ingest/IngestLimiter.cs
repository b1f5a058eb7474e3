using System.Collections.Concurrent;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace EdgeFed.Aggregator.Ingest;

/// <summary>
/// Ingest limits: a token bucket of reports per agent and a ceiling on open Report streams. Exceeding either is
/// RESOURCE_EXHAUSTED for that caller only (agents treat it as transient and back off); everyone else is served.
/// </summary>
public sealed class IngestLimiter(IOptions<AggregatorOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private int _streams;

    /// <summary>Claims a stream slot; dispose the result when the stream ends.</summary>
    public IDisposable OpenStream()
    {
        if (Interlocked.Increment(ref _streams) > options.Value.MaxConcurrentStreams)
        {
            Interlocked.Decrement(ref _streams);
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"The aggregator serves at most {options.Value.MaxConcurrentStreams} Report streams at once; retry later."));
        }

        return new Slot(this);
    }

    /// <summary>Takes one report from the agent's bucket, or refuses with RESOURCE_EXHAUSTED.</summary>
    public void TakeReport(string agent)
    {
        // The static factory with its argument: a lambda over `this` was a delegate allocated per report.
        var bucket = _buckets.GetOrAdd(agent, static (_, start) => new Bucket(start.Burst, start.Stamp),
            (Burst: options.Value.ReportBurstPerAgent, Stamp: time.GetTimestamp()));
        if (!bucket.TryTake(options.Value.MaxReportsPerSecondPerAgent, options.Value.ReportBurstPerAgent, time))
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"Agent '{agent}' sends more than {options.Value.MaxReportsPerSecondPerAgent} reports/s (burst {options.Value.ReportBurstPerAgent}); retry later."));
        }
    }

    private sealed class Slot(IngestLimiter limiter) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref limiter._streams);
            }
        }
    }

    private sealed class Bucket(double tokens, long stamp)
    {
        private readonly Lock _lock = new();

        public bool TryTake(double rate, int burst, TimeProvider time)
        {
            lock (_lock)
            {
                var now = time.GetTimestamp();
                tokens = Math.Min(burst, tokens + time.GetElapsedTime(stamp, now).TotalSeconds * rate);
                stamp = now;
                if (tokens < 1)
                {
                    return false;
                }

                tokens--;
                return true;
            }
        }
    }
}
