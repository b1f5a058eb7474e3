using System.Globalization;
using System.Text.Json;
using EdgeFed.Aggregator.Concentration;

namespace EdgeFed.Aggregator.Alerts;

/// <summary>An alert before it is stored: what, about whom, for which period, why, and the numbers behind it.</summary>
public sealed record AlertCandidate(string Kind, string Subject, string Period, string Message, string EvidenceJson);

/// <summary>
/// The alert rules, pure. Share alerts are statistical: a pool's block share, or the top two's, must exceed its
/// threshold at the lower end of its 95 % Wilson interval, over at least <see cref="AlertOptions.MinBlocks"/> blocks; the
/// Nakamoto coefficient must fall between two windows that both have that many. A run of consecutive blocks by one
/// pool states how likely it was given the pool's share over the preceding window. A region's reported hashrate
/// falling by more than a percentage window over window is its own rule. Each alert carries its evidence as JSON.
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
        var n = current.Count;
        if (n >= options.MinBlocks)
        {
            foreach (var pool in now.Shares)
            {
                var interval = ConcentrationMetrics.Wilson(pool.Share, n);
                if (interval.Low > options.PoolShareThreshold)
                {
                    alerts.Add(new("pool_share", pool.Entity, period,
                        $"{pool.Entity} mined {pool.Share:P1} of {n} blocks (95 % interval {interval.Low:P1}–{interval.High:P1}, threshold {options.PoolShareThreshold:P0})",
                        Json(new { share = pool.Share, low = interval.Low, high = interval.High, blocks = pool.Value, total = n, threshold = options.PoolShareThreshold, minBlocks = options.MinBlocks })));
                }
            }

            var top2 = ConcentrationMetrics.Wilson(now.Cr2, n);
            if (top2.Low > options.Cr2Threshold)
            {
                alerts.Add(new("cr2", "network", period,
                    $"The top two pools mined {now.Cr2:P1} of {n} blocks (95 % interval {top2.Low:P1}–{top2.High:P1}, threshold {options.Cr2Threshold:P0})",
                    Json(new { cr2 = now.Cr2, low = top2.Low, high = top2.High, total = n, top = now.Shares.Take(2).Select(s => new { s.Entity, s.Share }), threshold = options.Cr2Threshold })));
            }

            if (previous.Count >= options.MinBlocks && Summary(previous) is var before && now.NakamotoCoefficient < before.NakamotoCoefficient)
            {
                alerts.Add(new("nakamoto_drop", "network", period, $"The Nakamoto coefficient fell from {before.NakamotoCoefficient} to {now.NakamotoCoefficient} ({previous.Count} then {n} blocks)",
                    Json(new { previous = before.NakamotoCoefficient, current = now.NakamotoCoefficient, top = now.Shares.Take(now.NakamotoCoefficient).Select(s => new { s.Entity, s.Share }) })));
            }
        }

        alerts.AddRange(Runs(current, previous, options.ConsecutiveBlocks));
        return alerts;
    }

    /// <summary>
    /// Runs of at least <paramref name="length"/> blocks at consecutive heights by one known pool, each with its
    /// probability given the pool's share of the preceding window (or, when that window is empty, of the current one
    /// less the run itself).
    /// </summary>
    public static IEnumerable<AlertCandidate> Runs(IReadOnlyList<MergedBlock> byHeight, IReadOnlyList<MergedBlock> preceding, int length)
    {
        foreach (var run in BlockRuns.Find(byHeight, length))
        {
            var (basis, blocks, mined) = preceding.Count > 0
                ? ("preceding window", preceding.Count, preceding.Count(b => b.Pool == run.Pool))
                : ("current window less the run", byHeight.Count - run.Length, byHeight.Count(b => b.Pool == run.Pool) - run.Length);
            var share = blocks > 0 ? (double)mined / blocks : 0;
            var (exact, anywhere) = run.Probability(share, byHeight.Count);
            yield return new("block_run", run.Pool, string.Create(CultureInfo.InvariantCulture, $"{run.FirstHeight}-{run.LastHeight}"),
                string.Create(CultureInfo.InvariantCulture,
                    $"{run.Pool} mined {run.Length} consecutive blocks, heights {run.FirstHeight}–{run.LastHeight}; at its {share:P1} share of the {basis} ({blocks} blocks) such a run has probability {exact:G3}, and {anywhere:P2} of appearing somewhere in {byHeight.Count} blocks"),
                Json(new
                {
                    run = run.Length, first = run.FirstHeight, last = run.LastHeight, hashes = run.Hashes, share, shareBasis = basis, basisBlocks = blocks,
                    probability = exact, probabilityInWindow = anywhere, windowBlocks = byHeight.Count,
                }));
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
