using System.Globalization;
using EdgeFed.Aggregator.Concentration;
using EdgeFed.Aggregator.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EdgeFed.Aggregator.Http;

/// <summary>
/// mempool.space's mining API where the concept is the same, in its shapes and headers (PROTOCOLS.md), so scripts
/// written for it work: the pool ranking, one pool, and weekly pool hashrate. Block counts come from the node
/// agents' merged blocks; hashrates are the network's, estimated from those blocks' difficulty and times (H/s).
/// Stricter than mempool.space on purpose: a bad interval is a 400 naming it.
/// </summary>
public static class MempoolApi
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/mining/pools/{interval}", PoolsAsync);
        api.MapGet("/mining/pool/{slug}", PoolAsync);
        api.MapGet("/mining/hashrate/pools/{interval}", HashratePoolsAsync);
    }

    private static async Task<IResult> PoolsAsync(string interval, HttpContext context, BlockSource blocks, PoolDirectory pools, ReportStore store, TimeProvider time)
    {
        ApiQuery.Allow(context.Request);
        var now = time.GetUtcNow();
        var range = ApiQuery.Interval(interval, now);
        var all = await blocks.AllAsync(context.RequestAborted);
        var inRange = InRange(all, range);
        var ranked = Ranked(inRange);
        await Headers(context, store, now, 60);
        return Results.Json(new
        {
            pools = ranked.Select((p, i) => new
            {
                poolId = pools.Find(p.Key)?.Id ?? 0, name = pools.NameOf(p.Key), link = pools.Find(p.Key)?.Link ?? string.Empty, blockCount = p.Count(), rank = i + 1,
                emptyBlocks = p.Count(b => b.Empty), slug = p.Key, avgMatchRate = (double?)null, avgFeeDelta = (string?)null, poolUniqueId = pools.Find(p.Key)?.Id ?? 0,
            }),
            blockCount = inRange.Count,
            lastEstimatedHashrate = Estimate(all, now, 1), lastEstimatedHashrate3d = Estimate(all, now, 3), lastEstimatedHashrate1w = Estimate(all, now, 7),
        });
    }

    private static async Task<IResult> PoolAsync(string slug, HttpContext context, BlockSource blocks, PoolDirectory pools, ReportStore store, TimeProvider time)
    {
        ApiQuery.Allow(context.Request);
        var now = time.GetUtcNow();
        var all = await blocks.AllAsync(context.RequestAborted);
        var entry = pools.Find(slug);
        if (entry is null && !all.Any(b => string.Equals(b.Pool, slug, StringComparison.OrdinalIgnoreCase)))
        {
            return ApiResults.Error(404, "This mining pool does not exist");
        }

        var key = entry?.Slug ?? slug;
        var day = InRange(all, ApiQuery.Interval("24h", now));
        var week = InRange(all, ApiQuery.Interval("1w", now));
        static int Of(IReadOnlyList<MergedBlock> blocks, string pool) => blocks.Count(b => string.Equals(b.Pool, pool, StringComparison.OrdinalIgnoreCase));
        static double Share(IReadOnlyList<MergedBlock> blocks, string pool) => blocks.Count > 0 ? (double)Of(blocks, pool) / blocks.Count : 0;
        ApiResults.Expires(context.Response, now, 60);
        return Results.Json(new
        {
            pool = new
            {
                id = entry?.Id ?? 0, name = pools.NameOf(key), link = entry?.Link ?? string.Empty, addresses = entry?.Addresses ?? [], regexes = entry?.Tags ?? [],
                slug = key, unique_id = entry?.Id ?? 0,
            },
            blockCount = new Dictionary<string, int> { ["all"] = Of(all, key), ["24h"] = Of(day, key), ["1w"] = Of(week, key) },
            blockShare = new Dictionary<string, double> { ["all"] = Share(all, key), ["24h"] = Share(day, key), ["1w"] = Share(week, key) },
            estimatedHashrate = Share(day, key) * Estimate(all, now, 1),
            reportedHashrate = (double?)null,
            avgBlockHealth = (double?)null,
            totalReward = (long?)null,
        });
    }

    private static async Task<IResult> HashratePoolsAsync(string interval, HttpContext context, BlockSource blocks, PoolDirectory pools, ReportStore store, TimeProvider time)
    {
        ApiQuery.Allow(context.Request);
        var now = time.GetUtcNow();
        var range = ApiQuery.Interval(interval, now);
        var all = await blocks.AllAsync(context.RequestAborted);
        var lastWeek = Ranked(InRange(all, ApiQuery.Interval("1w", now))).Select(g => g.Key).ToList();
        var points = new List<object>();
        foreach (var week in InRange(all, range).GroupBy(b => WeekOf(b.Time)).OrderBy(w => w.Key))
        {
            var weekBlocks = week.ToList();
            var hashrate = NetworkHashrate.Estimate(weekBlocks);
            foreach (var pool in lastWeek)
            {
                var share = (double)weekBlocks.Count(b => b.Pool == pool) / weekBlocks.Count;
                if (share > 0)
                {
                    points.Add(new { timestamp = week.Key, avgHashrate = share * hashrate, share, poolName = pools.NameOf(pool) });
                }
            }
        }

        await Headers(context, store, now, 300);
        return Results.Json(points);
    }

    /// <summary>Monday 00:00 UTC of the block's week, in Unix seconds.</summary>
    public static long WeekOf(long time)
    {
        var day = DateTimeOffset.FromUnixTimeSeconds(time).UtcDateTime.Date;
        return new DateTimeOffset(day.AddDays(-(((int)day.DayOfWeek + 6) % 7)), TimeSpan.Zero).ToUnixTimeSeconds();
    }

    private static List<IGrouping<string, MergedBlock>> Ranked(IReadOnlyList<MergedBlock> blocks) =>
        blocks.GroupBy(b => b.Pool, StringComparer.Ordinal).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();

    private static IReadOnlyList<MergedBlock> InRange(IReadOnlyList<MergedBlock> all, ApiRange range) =>
        range.All ? all : all.Where(b => b.Time >= range.From && b.Time < range.To).ToList();

    /// <summary>The network hashrate over the last <paramref name="days"/> days' blocks, as getnetworkhashps over them (H/s).</summary>
    private static double Estimate(IReadOnlyList<MergedBlock> all, DateTimeOffset now, int days) =>
        NetworkHashrate.Estimate(all.Where(b => b.Time >= now.AddDays(-days).ToUnixTimeSeconds()));

    private static async Task Headers(HttpContext context, ReportStore store, DateTimeOffset now, int seconds)
    {
        ApiResults.Expires(context.Response, now, seconds);
        if (await store.HeightSpanAsync(context.RequestAborted) is { } span)
        {
            context.Response.Headers["X-Total-Count"] = (span.Max - span.Min + 1).ToString(CultureInfo.InvariantCulture);
        }
    }
}
