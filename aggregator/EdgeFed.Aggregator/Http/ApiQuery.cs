using System.Globalization;
using EdgeFed.Protocol.V1;
using Microsoft.AspNetCore.Http;

namespace EdgeFed.Aggregator.Http;

/// <summary>A bad request parameter: the API answers 400 with a message that names it.</summary>
public sealed class ApiParameterException(string parameter, string message) : Exception($"{parameter}: {message}")
{
    public string Parameter { get; } = parameter;
}

/// <summary>A time range [From, To) in Unix seconds; <see cref="All"/> when it reaches back to the first block.</summary>
public sealed record ApiRange(long From, long To)
{
    public bool All => From == 0;
}

/// <summary>
/// The API's query parameters, parsed strictly: an unknown parameter, an interval that is not one of mempool.space's,
/// a bad time, dimension, basis or step is a 400 naming the parameter (mempool.space itself answers any bad interval
/// with all time; scripts written for it send valid ones, so they are unaffected).
/// </summary>
public static class ApiQuery
{
    /// <summary>mempool.space's intervals, plus <c>all</c>; months and years as 30 and 365 days.</summary>
    public static readonly IReadOnlyDictionary<string, TimeSpan?> Intervals = new Dictionary<string, TimeSpan?>(StringComparer.Ordinal)
    {
        ["24h"] = TimeSpan.FromHours(24), ["3d"] = TimeSpan.FromDays(3), ["1w"] = TimeSpan.FromDays(7), ["1m"] = TimeSpan.FromDays(30),
        ["3m"] = TimeSpan.FromDays(90), ["6m"] = TimeSpan.FromDays(180), ["1y"] = TimeSpan.FromDays(365), ["2y"] = TimeSpan.FromDays(730),
        ["3y"] = TimeSpan.FromDays(1095), ["4y"] = TimeSpan.FromDays(1460), ["all"] = null,
    };

    private static readonly string IntervalList = string.Join(", ", Intervals.Keys);

    public static ApiRange Interval(string? interval, DateTimeOffset now, string parameter = "interval")
    {
        if (interval is null || !Intervals.TryGetValue(interval, out var span))
        {
            throw new ApiParameterException(parameter, $"'{interval}' is not an interval; use one of {IntervalList}.");
        }

        var to = now.ToUnixTimeSeconds() + 1; // the current second is in range
        return new ApiRange(span is { } s ? to - (long)s.TotalSeconds : 0, to);
    }

    /// <summary>Rejects parameters the route does not take.</summary>
    public static void Allow(HttpRequest request, params string[] names)
    {
        foreach (var key in request.Query.Keys)
        {
            if (!names.Contains(key, StringComparer.Ordinal))
            {
                throw new ApiParameterException(key, names.Length == 0 ? "this route takes no parameters." : $"unknown parameter; this route takes {string.Join(", ", names)}.");
            }
        }
    }

    /// <summary><c>range</c> (an interval, default <paramref name="fallback"/>) or <c>from</c>/<c>to</c> (RFC 3339 or Unix seconds).</summary>
    public static ApiRange Range(HttpRequest request, DateTimeOffset now, string fallback = "1m")
    {
        var (from, to, range) = (One(request, "from"), One(request, "to"), One(request, "range"));
        if (from is null && to is null)
        {
            return Interval(range ?? fallback, now, "range");
        }

        if (range is not null)
        {
            throw new ApiParameterException("range", "give either range or from/to, not both.");
        }

        var f = from is null ? 0 : Time(from, "from");
        var t = to is null ? now.ToUnixTimeSeconds() + 1 : Time(to, "to");
        return t > f ? new ApiRange(f, t) : throw new ApiParameterException("to", "must be after from.");
    }

    public static Dimension Dimension(HttpRequest request, Dimension fallback) => One(request, "dimension") switch
    {
        null => fallback,
        "pool" or "DIMENSION_POOL" => Protocol.V1.Dimension.Pool,
        "template_provider" or "provider" or "DIMENSION_TEMPLATE_PROVIDER" => Protocol.V1.Dimension.TemplateProvider,
        "vendor" or "DIMENSION_VENDOR" => Protocol.V1.Dimension.Vendor,
        "model" or "DIMENSION_MODEL" => Protocol.V1.Dimension.Model,
        "region" or "DIMENSION_REGION" => Protocol.V1.Dimension.Region,
        "health" or "DIMENSION_HEALTH" => Protocol.V1.Dimension.Health,
        var other => throw new ApiParameterException("dimension", $"'{other}' is not one of pool, template_provider, vendor, model, region, health."),
    };

    public static Basis Basis(HttpRequest request, Basis fallback) => One(request, "basis") switch
    {
        null => fallback,
        "blocks" or "BASIS_BLOCKS" => Protocol.V1.Basis.Blocks,
        "hashrate" or "BASIS_HASHRATE" => Protocol.V1.Basis.Hashrate,
        var other => throw new ApiParameterException("basis", $"'{other}' is not blocks or hashrate."),
    };

    /// <summary>The bucket of a series in seconds: <c>hour</c>, <c>day</c> or <c>week</c> (weeks start on Monday 00:00 UTC).</summary>
    public static long Step(HttpRequest request, string fallback) => (One(request, "step") ?? fallback) switch
    {
        "hour" => 3600,
        "day" => 86_400,
        "week" => 604_800,
        var other => throw new ApiParameterException("step", $"'{other}' is not hour, day or week."),
    };

    public static int Choice(HttpRequest request, string name, int fallback, params int[] allowed)
    {
        var text = One(request, name);
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && allowed.Contains(value)
            ? value
            : throw new ApiParameterException(name, $"'{text}' is not one of {string.Join(", ", allowed)}.");
    }

    public static string Choice(HttpRequest request, string name, string fallback, params string[] allowed)
    {
        var text = One(request, name) ?? fallback;
        return allowed.Contains(text, StringComparer.Ordinal) ? text : throw new ApiParameterException(name, $"'{text}' is not one of {string.Join(", ", allowed)}.");
    }

    public static bool Csv(HttpRequest request) => Choice(request, "format", "json", "json", "csv") == "csv";

    private static string? One(HttpRequest request, string name)
    {
        var values = request.Query[name];
        return values.Count switch
        {
            0 => null,
            1 when !string.IsNullOrWhiteSpace(values[0]) => values[0],
            1 => throw new ApiParameterException(name, "is empty."),
            _ => throw new ApiParameterException(name, "is given more than once."),
        };
    }

    private static long Time(string text, string parameter)
    {
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds < 100_000_000_000)
        {
            return seconds;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time.ToUnixTimeSeconds()
            : throw new ApiParameterException(parameter, $"'{text}' is neither Unix seconds nor an RFC 3339 time.");
    }
}
