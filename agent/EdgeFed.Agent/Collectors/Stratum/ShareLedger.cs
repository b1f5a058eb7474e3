using System.Net;

namespace EdgeFed.Agent.Collectors.Stratum;

/// <summary>Accepted work of one miner over a span: the sum of the accepted shares' difficulties and their count.</summary>
public readonly record struct ShareTally(double SumDifficulty, long Count)
{
    /// <summary>Expected hashes per share are D x 2^32, so the hashrate over <paramref name="span"/> is Σ D x 2^32 / T (PROTOCOLS.md).</summary>
    public double HashrateThs(TimeSpan span) => span > TimeSpan.Zero ? SumDifficulty * 4294967296.0 / span.TotalSeconds / 1e12 : 0;

    /// <summary>The relative standard error of that estimate, about 1/√n over n shares.</summary>
    public double RelativeError => Count > 0 ? 1 / Math.Sqrt(Count) : double.PositiveInfinity;
}

/// <summary>
/// What the pass-through proxies saw pools accept, per miner address, in one-second buckets: only difficulties,
/// counts and times (no share content, job id, worker or user name). Buckets older than <see cref="Horizon"/> are
/// dropped, so the ledger stays bounded whatever the share rate.
/// </summary>
public sealed class ShareLedger(TimeProvider time)
{
    public static readonly TimeSpan Horizon = TimeSpan.FromHours(2);
    private readonly Lock _lock = new();
    private readonly Dictionary<string, SortedDictionary<long, (double SumDifficulty, long Count)>> _byMiner = [];

    public void Accepted(IPAddress miner, double difficulty)
    {
        if (!double.IsFinite(difficulty) || difficulty <= 0)
        {
            return;
        }

        var second = time.GetUtcNow().ToUnixTimeSeconds();
        var key = miner.IsIPv4MappedToIPv6 ? miner.MapToIPv4().ToString() : miner.ToString();
        lock (_lock)
        {
            if (!_byMiner.TryGetValue(key, out var buckets))
            {
                _byMiner[key] = buckets = [];
            }

            var bucket = buckets.GetValueOrDefault(second);
            buckets[second] = (bucket.SumDifficulty + difficulty, bucket.Count + 1);
            var cutoff = second - (long)Horizon.TotalSeconds;
            while (buckets.Count > 0 && buckets.First().Key < cutoff)
            {
                buckets.Remove(buckets.First().Key);
            }
        }
    }

    /// <summary>The accepted work of the miner at <paramref name="host"/> in [start, end), or null when the proxy saw none.</summary>
    public ShareTally? Take(string host, DateTimeOffset start, DateTimeOffset end)
    {
        lock (_lock)
        {
            if (!_byMiner.TryGetValue(host, out var buckets))
            {
                return null;
            }

            var (from, to) = (start.ToUnixTimeSeconds(), end.ToUnixTimeSeconds());
            var (sum, count) = (0.0, 0L);
            foreach (var (second, bucket) in buckets)
            {
                if (second >= from && second < to)
                {
                    (sum, count) = (sum + bucket.SumDifficulty, count + bucket.Count);
                }
            }

            return count > 0 ? new ShareTally(sum, count) : null;
        }
    }
}
