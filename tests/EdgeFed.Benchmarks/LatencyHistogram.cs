namespace EdgeFed.Benchmarks;

/// <summary>
/// Ack latencies counted in 10 µs buckets up to 10 s, shared by every sender (one interlocked add each). A list of
/// samples allocated ~8 bytes per ack and grew by copying: the load generator's own GC pauses landed in the very
/// latencies it measured.
/// </summary>
internal sealed class LatencyHistogram
{
    private const double BucketMs = 0.01;
    private readonly long[] _counts = new long[1_000_000];
    private long _total;

    public long Count => Interlocked.Read(ref _total);

    public void Add(TimeSpan latency)
    {
        var bucket = (long)(latency.TotalMilliseconds / BucketMs);
        Interlocked.Increment(ref _counts[Math.Clamp(bucket, 0, _counts.Length - 1)]);
        Interlocked.Increment(ref _total);
    }

    /// <summary>The latency in ms below which a fraction <paramref name="p"/> of the acks fall (the bucket's middle); NaN when empty.</summary>
    public double Percentile(double p)
    {
        var total = Count;
        if (total == 0)
        {
            return double.NaN;
        }

        var rank = Math.Min(total - 1, (long)(p * total));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen > rank)
            {
                return (i + 0.5) * BucketMs;
            }
        }

        return (_counts.Length - 0.5) * BucketMs;
    }
}
