using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace EdgeFed.Aggregator.Http;

/// <summary>The API's answers: JSON errors as mempool.space writes them (<c>{"error": …}</c>), CSV series, cache headers.</summary>
public static class ApiResults
{
    public static IResult Error(int status, string message) => Results.Json(new { error = message }, statusCode: status);

    /// <summary>mempool.space's caching headers: public, expiring after <paramref name="seconds"/>.</summary>
    public static void Expires(HttpResponse response, DateTimeOffset now, int seconds)
    {
        response.Headers.Pragma = "public";
        response.Headers.CacheControl = "public";
        response.Headers.Expires = now.AddSeconds(seconds).ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>A CSV document (RFC 4180: comma-separated, fields with commas, quotes or line breaks quoted) with a header row.</summary>
    public static IResult Csv(string name, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<object?>> rows)
    {
        var text = new StringBuilder();
        text.AppendJoin(',', header.Select(Field)).Append("\r\n");
        foreach (var row in rows)
        {
            text.AppendJoin(',', row.Select(v => Field(Format(v)))).Append("\r\n");
        }

        return new CsvResult(Results.Text(text.ToString(), "text/csv; charset=utf-8", Encoding.UTF8), name);
    }

    private static string Format(object? value) => value switch
    {
        null => string.Empty,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    /// <summary>Names the download (<c>Content-Disposition: inline; filename=…</c>).</summary>
    private sealed class CsvResult(IResult inner, string name) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.ContentDisposition = $"inline; filename=\"{name}.csv\"";
            return inner.ExecuteAsync(httpContext);
        }
    }
}
