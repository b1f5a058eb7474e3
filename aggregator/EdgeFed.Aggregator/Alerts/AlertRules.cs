using System.Globalization;
using System.Text.Json;
using EdgeFed.Aggregator.Concentration;

namespace EdgeFed.Aggregator.Alerts;

/// <summary>An alert before it is stored: what, about whom, for which period, why, and the numbers behind it.</summary>
public sealed record AlertCandidate(string Kind, string Subject, string Period, string Message, string EvidenceJson);

/// <summary>
/// The alert rules, pure: a pool's block share or the top-2 share above its threshold, the Nakamoto coefficient
/// lower than in the previous window, a run of consecutive blocks by one pool, a region's reported hashrate falling
/// by more than a percentage window over window. Each alert carries its evidence as JSON.
/// </summary>
public static class AlertRules
{
    public static IEnumerable<AlertCandidate> OnBlocks(IReadOnlyList<MergedBlock> current, IReadOnlyList<MergedBlock> previous, string period, AlertOptions options)
    {
        if (current.Count == 0)
        {
            return [];
        }

        var alerts = new List<AlertCandidate>();
        var now = Summary(current);
        foreach (var pool in now.Shares.Where(s => s.Share > options.PoolShareThreshold))
        {
            alerts.Add(new("pool_share", pool.Entity, period, $"{pool.Entity} mined {pool.Share:P1} of {current.Count} blocks (threshold {options.PoolShareThreshold:P0})",
                Json(new { share = pool.Share, blocks = pool.Value, total = current.Count, threshold = options.PoolShareThreshold })));
        }

        if (now.Cr2 > options.Cr2Threshold)
        {
            alerts.Add(new("cr2", "network", period, $"The top two pools mined {now.Cr2:P1} of {current.Count} blocks (threshold {options.Cr2Threshold:P0})",
                Json(new { cr2 = now.Cr2, top = now.Shares.Take(2).Select(s => new { s.Entity, s.Share }), threshold = options.Cr2Threshold })));
        }

        if (previous.Count > 0 && Summary(previous) is var before && now.NakamotoCoefficient < before.NakamotoCoefficient)
        {
            alerts.Add(new("nakamoto_drop", "network", period, $"The Nakamoto coefficient fell from {before.NakamotoCoefficient} to {now.NakamotoCoefficient}",
                Json(new { previous = before.NakamotoCoefficient, current = now.NakamotoCoefficient, top = now.Shares.Take(now.NakamotoCoefficient).Select(s => new { s.Entity, s.Share }) })));
        }

        alerts.AddRange(Runs(current, options.ConsecutiveBlocks));
        return alerts;
    }

    /// <summary>Runs of at least <paramref name="length"/> blocks at consecutive heights by one known pool.</summary>
    public static IEnumerable<AlertCandidate> Runs(IReadOnlyList<MergedBlock> byHeight, int length)
    {
        var start = 0;
        for (var i = 1; i <= byHeight.Count; i++)
        {
            var continues = i < byHeight.Count && byHeight[i].Pool == byHeight[start].Pool && byHeight[i].Height == byHeight[i - 1].Height + 1;
            if (continues)
            {
                continue;
            }

            var run = i - start;
            if (run >= length && byHeight[start].Pool != "unknown")
            {
                var (first, last) = (byHeight[start].Height, byHeight[i - 1].Height);
                yield return new("block_run", byHeight[start].Pool, string.Create(CultureInfo.InvariantCulture, $"{first}-{last}"),
                    $"{byHeight[start].Pool} mined {run} consecutive blocks, heights {first}–{last}",
                    Json(new { run, first, last, hashes = byHeight.Skip(start).Take(run).Select(b => b.Hash) }));
            }

            start = i;
        }
    }

    public static IEnumerable<AlertCandidate> OnRegions(
        IReadOnlyDictionary<string, double> current, IReadOnlyDictionary<string, double> previous, string period, AlertOptions options) =>
        previous.Where(p => p.Value > 0)
            .Select(p => (Region: p.Key, Before: p.Value, Now: current.GetValueOrDefault(p.Key)))
            .Where(r => (r.Before - r.Now) / r.Before * 100 > options.RegionDropPercent)
            .Select(r => new AlertCandidate("region_drop", r.Region, period,
                $"Reported hashrate in {r.Region} fell {(r.Before - r.Now) / r.Before:P0}, from {r.Before:0} to {r.Now:0} TH/s",
                Json(new { previousThs = r.Before, currentThs = r.Now, dropPercent = (r.Before - r.Now) / r.Before * 100, threshold = options.RegionDropPercent })));

    private static ConcentrationSummary Summary(IReadOnlyList<MergedBlock> blocks) =>
        ConcentrationMetrics.Summarise(blocks.GroupBy(b => b.Pool).Select(g => KeyValuePair.Create(g.Key, (double)g.Count())), counts: true);

    private static string Json(object evidence) => JsonSerializer.Serialize(evidence);
}
