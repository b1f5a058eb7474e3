using EdgeFed.Aggregator.Concentration;
using EdgeFed.Aggregator.Storage;
using EdgeFed.Protocol.Domain;
using EdgeFed.Protocol.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EdgeFed.Aggregator.Http;

/// <summary>
/// Coverage and provenance (how much of the network the federated figures see, what k-anonymity held back, what is
/// measured and what inferred), the per-pool page (blocks, share with its interval, luck against the federated
/// hashrate share, runs, template provider), the store's version for live refresh, and any concentration as CSV.
/// </summary>
public static class CoverageApi
{
    private static readonly Dimension[] HashrateDimensions =
        [Dimension.Pool, Dimension.TemplateProvider, Dimension.Vendor, Dimension.Model, Dimension.Region, Dimension.Health];

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/coverage", CoverageAsync);
        api.MapGet("/pools/{slug}", PoolAsync);
        api.MapGet("/status", StatusAsync);
        api.MapGet("/concentration.csv", ConcentrationCsvAsync);
    }

    private static async Task<IResult> CoverageAsync(HttpContext context, ReportStore store, BlockSource blocks, ConcentrationQuery query, TimeProvider time)
    {
        ApiQuery.Allow(context.Request, "range", "from", "to");
        var range = ApiQuery.Range(context.Request, time.GetUtcNow(), "24h");
        var ct = context.RequestAborted;
        var inRange = await blocks.RangeAsync(range.From, range.To, ct);
        var byAgent = await store.HashrateSecondsByAgentAsync(range.From, range.To, ct);
        var kinds = await store.ReportingAgentsByKindAsync(range.From, range.To, ct);
        var suppressed = new Dictionary<string, object>();
        foreach (var dimension in HashrateDimensions)
        {
            var r = await query.RunAsync(Request(dimension, Basis.Hashrate, range), ct);
            suppressed[SeriesApi.Name(dimension)] = new { published = r.Shares.Count, suppressed = r.SuppressedEntities };
        }

        var network = NetworkHashrate.Estimate(inRange);
        // Averaged from the first report in the range to its end (or now), so a federation that started reporting an
        // hour ago is not diluted over a day. Published only when k agents stand behind it: one farm's total is that farm's.
        var first = await store.FirstWindowAsync(range.From, range.To, ct);
        var span = Math.Min(range.To, time.GetUtcNow().ToUnixTimeSeconds() + 1) - Math.Max(range.From, first ?? range.From);
        double? federated = byAgent.Count(a => a.Value > 0) >= query.MinAgents && span > 0 ? byAgent.Values.Sum() / span * 1e12 : null;
        return Results.Json(new
        {
            from = range.From, to = range.To, k = query.MinAgents,
            agents = new
            {
                enrolled = (await store.ListAgentsAsync(ct)).Count, reporting = kinds.Values.Sum(),
                farm = kinds.GetValueOrDefault(AgentKind.Farm), sidecar = kinds.GetValueOrDefault(AgentKind.Sidecar), node = kinds.GetValueOrDefault(AgentKind.Node),
            },
            blocks = inRange.Count, disputedBlocks = inRange.Count(b => b.Disputed), unknownBlocks = inRange.Count(b => b.Pool == "unknown"),
            networkHashrateHs = network, federatedHashrateHs = federated, federatedSince = first, federatedShareOfNetwork = federated is { } f && network > 0 ? f / network : (double?)null,
            suppressed,
            measured = new[]
            {
                "blocks and their pools: coinbase tags and payout addresses that node agents decoded from their own nodes' blocks",
                "hashrate by pool, vendor, model, region and health: the miners' own API figures, summed per agent and window",
                "share-based hashrate where an agent's stratum proxy saw accepted shares",
            },
            inferred = new[]
            {
                "network hashrate: difficulty x 2^32 per block over the time the blocks span (getnetworkhashps), noisy over short ranges",
                "template providers: pools merged into the published proxy groups",
                "vendor, model and health where the on-device models classified them (cells carry the model confidence)",
                "luck: observed blocks against the federated hashrate share, which assumes the federated sample mines like the pool as a whole",
            },
        });
    }

    private static async Task<IResult> PoolAsync(string slug, HttpContext context, BlockSource blocks, ConcentrationQuery query, PoolDirectory pools, TimeProvider time)
    {
        ApiQuery.Allow(context.Request, "range", "from", "to");
        var range = ApiQuery.Range(context.Request, time.GetUtcNow(), "1m");
        var ct = context.RequestAborted;
        var inRange = await blocks.RangeAsync(range.From, range.To, ct);
        var entry = pools.Find(slug);
        var key = entry?.Slug ?? slug.ToLowerInvariant();
        var mine = inRange.Where(b => b.Pool == key).ToList();
        if (entry is null && mine.Count == 0 && !(await blocks.AllAsync(ct)).Any(b => b.Pool == key))
        {
            return ApiResults.Error(404, "This mining pool does not exist");
        }

        var share = inRange.Count > 0 ? (double)mine.Count / inRange.Count : 0;
        var interval = inRange.Count > 0 ? ConcentrationMetrics.Wilson(share, inRange.Count) : new Concentration.Interval(0, 1);
        var federated = (await query.RunAsync(Request(Dimension.Pool, Basis.Hashrate, range), ct)).Shares.FirstOrDefault(s => s.Entity == key);
        var expected = federated is null ? 0 : federated.Share * inRange.Count;
        var luck = PoissonInterval.Luck(mine.Count, expected);
        var groups = new ProxyGroups(ProxyGroups.Default);
        var provider = groups.ProviderOf(key);
        var runs = BlockRuns.Find(inRange, 2).Where(r => r.Pool == key).ToList();
        return Results.Json(new
        {
            slug = key, name = pools.NameOf(key), link = entry?.Link, from = range.From, to = range.To,
            blocks = mine.Count, totalBlocks = inRange.Count, emptyBlocks = mine.Count(b => b.Empty), share, shareLow = interval.Low, shareHigh = interval.High,
            federatedShare = federated?.Share, federatedThs = federated?.Value, expectedBlocks = federated is null ? (double?)null : expected,
            luck = luck?.Luck, luckLow = luck?.Interval.Low, luckHigh = luck?.Interval.High,
            templateProvider = provider, groupMembers = groups.Groups.TryGetValue(provider, out var members) ? members : [],
            longestRun = runs.Count > 0 ? runs.Max(r => r.Length) : mine.Count > 0 ? 1 : 0,
            runs = runs.OrderByDescending(r => r.Length).Take(20).Select(r => new { length = r.Length, firstHeight = r.FirstHeight, lastHeight = r.LastHeight, probability = r.Probability(share, inRange.Count).ExactRun }),
            recent = mine.TakeLast(20).Reverse().Select(b => new { height = b.Height, hash = b.Hash, time = b.Time, method = b.Method, observers = b.Observers, disputed = b.Disputed }),
        });
    }

    private static async Task<IResult> StatusAsync(HttpContext context, ReportStore store, TimeProvider time)
    {
        ApiQuery.Allow(context.Request);
        var v = await store.VersionAsync(context.RequestAborted);
        return Results.Json(new { version = $"{v.Reports}-{v.Sightings}-{v.Alerts}", reports = v.Reports, sightings = v.Sightings, alerts = v.Alerts, now = time.GetUtcNow().ToUnixTimeSeconds() });
    }

    private static async Task<IResult> ConcentrationCsvAsync(HttpContext context, ConcentrationQuery query, TimeProvider time)
    {
        ApiQuery.Allow(context.Request, "dimension", "basis", "range", "from", "to");
        var basis = ApiQuery.Basis(context.Request, Basis.Blocks);
        var dimension = ApiQuery.Dimension(context.Request, Dimension.Pool);
        var range = ApiQuery.Range(context.Request, time.GetUtcNow(), "1m");
        var response = await query.RunAsync(Request(dimension, basis, range), context.RequestAborted);
        return ApiResults.Csv($"concentration-{SeriesApi.Name(dimension)}-{SeriesApi.Name(basis)}",
            ["entity", "value", "share", "share_low", "share_high", "share_based_ths", "share_api_ths", "shares"],
            response.Shares.Select(s => (IReadOnlyList<object?>)[s.Entity, s.Value, s.Share, s.Interval?.Low, s.Interval?.High,
                basis == Basis.Hashrate ? s.ShareBasedThs : null, basis == Basis.Hashrate ? s.ShareApiThs : null, basis == Basis.Hashrate ? s.Shares : null]));
    }

    public static ConcentrationRequest Request(Dimension dimension, Basis basis, ApiRange range) => new()
    {
        Dimension = dimension, Basis = basis, From = new Timestamp { Seconds = range.From }, To = new Timestamp { Seconds = range.To },
    };
}
