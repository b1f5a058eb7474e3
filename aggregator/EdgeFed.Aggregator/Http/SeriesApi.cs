using EdgeFed.Aggregator.Concentration;
using EdgeFed.Aggregator.Replay;
using EdgeFed.Aggregator.Storage;
using EdgeFed.Protocol.Domain;
using EdgeFed.Protocol.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EdgeFed.Aggregator.Http;

/// <summary>
/// EdgeFed's series: concentration per time bucket (top-n, HHI with its interval, Nakamoto) for any dimension and
/// basis, each entity's share per bucket (dominance), the Mining Centralization Index (raw or proxy-merged, moving
/// average of 1, 7, 30 or 90 days) and block runs. Hashrate buckets obey k-anonymity bucket by bucket. JSON, or CSV
/// with <c>format=csv</c>.
/// </summary>
public static class SeriesApi
{
    private const long MondayOffset = 345_600; // 1970-01-05, the first Monday after the epoch

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/series/concentration", ConcentrationAsync);
        api.MapGet("/series/shares", SharesAsync);
        api.MapGet("/mci", MciAsync);
        api.MapGet("/runs", RunsAsync);
    }

    /// <summary>One bucket of a series: its start, its summary, and how many entities k-anonymity held back.</summary>
    public sealed record Bucket(long Start, ConcentrationSummary Summary, int Suppressed);

    private static async Task<IResult> ConcentrationAsync(HttpContext context, SeriesReader reader, TimeProvider time)
    {
        ApiQuery.Allow(context.Request, "dimension", "basis", "range", "from", "to", "step", "format");
        var (dimension, basis, range, step) = Parameters(context.Request, time);
        var buckets = await reader.ReadAsync(dimension, basis, range, step, context.RequestAborted);
        var points = buckets.Select(b => new
        {
            timestamp = b.Start, total = b.Summary.Total, entities = b.Summary.Shares.Count, cr1 = b.Summary.Cr1, cr2 = b.Summary.Cr2, cr4 = b.Summary.Cr4,
            cr6 = b.Summary.Cr6, hhi = b.Summary.Hhi, hhiLow = b.Summary.Intervals?.Hhi.Low, hhiHigh = b.Summary.Intervals?.Hhi.High,
            nakamoto = b.Summary.NakamotoCoefficient, band2010 = b.Summary.HhiBand2010, suppressed = b.Suppressed,
        }).ToList();
        if (ApiQuery.Csv(context.Request))
        {
            return ApiResults.Csv("concentration-series", ["timestamp", "total", "entities", "cr1", "cr2", "cr4", "cr6", "hhi", "hhi_low", "hhi_high", "nakamoto", "suppressed"],
                points.Select(p => (IReadOnlyList<object?>)[p.timestamp, p.total, p.entities, p.cr1, p.cr2, p.cr4, p.cr6, p.hhi, p.hhiLow, p.hhiHigh, p.nakamoto, p.suppressed]));
        }

        return Results.Json(new { dimension = Name(dimension), basis = Name(basis), step, from = range.From, to = range.To, points });
    }

    private static async Task<IResult> SharesAsync(HttpContext context, SeriesReader reader, TimeProvider time)
    {
        ApiQuery.Allow(context.Request, "dimension", "basis", "range", "from", "to", "step", "format");
        var (dimension, basis, range, step) = Parameters(context.Request, time);
        var buckets = await reader.ReadAsync(dimension, basis, range, step, context.RequestAborted);
        var rows = buckets.SelectMany(b => b.Summary.Shares.Select(s => (b.Start, s.Entity, s.Value, s.Share))).ToList();
        if (ApiQuery.Csv(context.Request))
        {
            return ApiResults.Csv("shares-series", ["timestamp", "entity", "value", "share"], rows.Select(r => (IReadOnlyList<object?>)[r.Start, r.Entity, r.Value, r.Share]));
        }

        return Results.Json(new
        {
            dimension = Name(dimension), basis = Name(basis), step, from = range.From, to = range.To,
            points = rows.Select(r => new { timestamp = r.Start, entity = r.Entity, value = r.Value, share = r.Share }),
        });
    }

    private static async Task<IResult> MciAsync(HttpContext context, BlockSource blocks, TimeProvider time)
    {
        ApiQuery.Allow(context.Request, "range", "from", "to", "ma", "group", "format");
        var range = ApiQuery.Range(context.Request, time.GetUtcNow(), "1y");
        var ma = ApiQuery.Choice(context.Request, "ma", 30, 1, 7, 30, 90);
        var groups = ApiQuery.Choice(context.Request, "group", "none", "none", "proxy") == "proxy" ? new ProxyGroups(ProxyGroups.Default) : null;
        var labels = (await blocks.RangeAsync(range.From, range.To, context.RequestAborted))
            .Select(b => new BlockLabel((int)b.Height, b.Pool, DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeSeconds(b.Time).UtcDateTime)))
            .OrderBy(b => b.Date).ThenBy(b => b.Height);
        var days = MciView.Build(BlockReplay.Run(labels, WindowKind.Day, groups), ma);
        if (ApiQuery.Csv(context.Request))
        {
            return ApiResults.Csv("mci", ["day", "blocks", "top2", "top3", "top4", "top5", "top6", "top2_ma", "top3_ma", "top4_ma", "top5_ma", "top6_ma"],
                days.Select(d => (IReadOnlyList<object?>)[d.Day, d.Blocks, .. d.TopShares.Cast<object?>(), .. d.MovingAverage30.Cast<object?>()]));
        }

        return Results.Json(new
        {
            ma, group = groups is null ? "none" : "proxy", tops = MciView.Tops,
            days = days.Select(d => new { day = d.Day, blocks = d.Blocks, top = d.TopShares, movingAverage = d.MovingAverage30 }),
        });
    }

    private static async Task<IResult> RunsAsync(HttpContext context, BlockSource blocks, TimeProvider time)
    {
        ApiQuery.Allow(context.Request, "range", "from", "to", "min", "format");
        var range = ApiQuery.Range(context.Request, time.GetUtcNow(), "1m");
        var min = ApiQuery.Choice(context.Request, "min", 4, 2, 3, 4, 5, 6, 7, 8, 10, 12);
        var inRange = await blocks.RangeAsync(range.From, range.To, context.RequestAborted);
        var runs = BlockRuns.Find(inRange, min).Select(r =>
        {
            var share = inRange.Count > 0 ? (double)inRange.Count(b => b.Pool == r.Pool) / inRange.Count : 0;
            var (exact, anywhere) = r.Probability(share, inRange.Count);
            return new { pool = r.Pool, length = r.Length, firstHeight = r.FirstHeight, lastHeight = r.LastHeight, firstTime = r.FirstTime, lastTime = r.LastTime, share, probability = exact, probabilityInRange = anywhere };
        }).OrderByDescending(r => r.length).ThenBy(r => r.firstHeight).ToList();
        if (ApiQuery.Csv(context.Request))
        {
            return ApiResults.Csv("runs", ["pool", "length", "first_height", "last_height", "first_time", "last_time", "share", "probability", "probability_in_range"],
                runs.Select(r => (IReadOnlyList<object?>)[r.pool, r.length, r.firstHeight, r.lastHeight, r.firstTime, r.lastTime, r.share, r.probability, r.probabilityInRange]));
        }

        return Results.Json(new { from = range.From, to = range.To, blocks = inRange.Count, min, runs });
    }

    private static (Dimension, Basis, ApiRange, long) Parameters(HttpRequest request, TimeProvider time)
    {
        var basis = ApiQuery.Basis(request, Basis.Blocks);
        var dimension = ApiQuery.Dimension(request, Dimension.Pool);
        if (basis == Basis.Blocks && dimension is not (Dimension.Pool or Dimension.TemplateProvider))
        {
            throw new ApiParameterException("dimension", "blocks are attributed to pools and template providers only; use basis=hashrate.");
        }

        return (dimension, basis, ApiQuery.Range(request, time.GetUtcNow(), "1m"), ApiQuery.Step(request, "day"));
    }

    /// <summary>The start of the bucket of <paramref name="step"/> seconds holding <paramref name="time"/> (weeks from Monday).</summary>
    public static long BucketOf(long time, long step)
    {
        var offset = step == 604_800 ? MondayOffset : 0;
        return (long)Math.Floor((time - offset) / (double)step) * step + offset;
    }

    public static string Name(Dimension dimension) => dimension switch
    {
        Dimension.TemplateProvider => "template_provider",
        _ => dimension.ToString().ToLowerInvariant(),
    };

    public static string Name(Basis basis) => basis.ToString().ToLowerInvariant();
}
