using System.Globalization;
using EdgeFed.Protocol.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Http;

namespace EdgeFed.Aggregator.Http;

/// <summary>
/// The query parameters of the transcoded RPCs, checked before transcoding sees them: gRPC JSON transcoding ignores
/// an unknown parameter and words its own errors by type ("Invalid Timestamp value"), while this API names the
/// parameter, as its other routes do.
/// </summary>
public static class TranscodedQuery
{
    private static readonly Dictionary<string, Func<string, string?>> Concentration = new(StringComparer.Ordinal)
    {
        ["dimension"] = v => EnumValue<Dimension>(v, "DIMENSION_"),
        ["basis"] = v => EnumValue<Basis>(v, "BASIS_"),
        ["from"] = Time,
        ["to"] = Time,
    };

    private static readonly Dictionary<string, Dictionary<string, Func<string, string?>>> Routes = new(StringComparer.Ordinal)
    {
        ["/api/v1/concentration"] = Concentration,
        ["/api/v1/agents"] = [],
        ["/api/v1/alerts"] = new(StringComparer.Ordinal)
        {
            ["limit"] = v => uint.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= 1000 ? null : $"'{v}' is not a whole number from 0 to 1000.",
        },
    };

    /// <summary>The problem with the request's parameters ("name: why"), or null when they are fine or the route is not a transcoded one.</summary>
    public static string? Problem(HttpRequest request)
    {
        if (!Routes.TryGetValue(request.Path.Value?.TrimEnd('/') ?? string.Empty, out var allowed))
        {
            return null;
        }

        foreach (var (name, values) in request.Query)
        {
            if (!allowed.TryGetValue(name, out var check))
            {
                return allowed.Count == 0 ? $"{name}: this route takes no parameters." : $"{name}: unknown parameter; this route takes {string.Join(", ", allowed.Keys)}.";
            }

            if (values.Count != 1)
            {
                return $"{name}: is given more than once.";
            }

            if (check(values[0] ?? string.Empty) is { } why)
            {
                return $"{name}: {why}";
            }
        }

        return null;
    }

    private static string? EnumValue<T>(string value, string prefix)
        where T : struct, System.Enum
    {
        var names = System.Enum.GetValues<T>().Skip(1).Select(v => prefix + string.Concat(v.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : c.ToString())).ToUpperInvariant()).ToList();
        return names.Contains(value, StringComparer.Ordinal) ? null : $"'{value}' is not one of {string.Join(", ", names)}.";
    }

    private static string? Time(string value)
    {
        try
        {
            JsonParser.Default.Parse<Timestamp>($"\"{value.Replace("\"", string.Empty, StringComparison.Ordinal)}\"");
            return null;
        }
        catch (InvalidProtocolBufferException)
        {
            return $"'{value}' is not an RFC 3339 time (e.g. 2026-11-01T00:00:00Z).";
        }
    }
}
