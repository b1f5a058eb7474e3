using System.ComponentModel.DataAnnotations;

namespace EdgeFed.Aggregator.Http;

/// <summary>
/// Configuration section <c>Aggregator:Http</c>: the HTTP/1.1 endpoint that serves the dashboard, the JSON/CSV API
/// and <c>/metrics</c>, and the limits that keep a flood of HTTP requests from starving gRPC ingest.
/// </summary>
public sealed class HttpApiOptions
{
    public const string Section = "Aggregator:Http";

    /// <summary>Listen address(es), <c>;</c>-separated (<c>http://127.0.0.1:8080</c> by default); empty turns the endpoint off.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:8080";

    /// <summary>Open HTTP connections at once; a connection beyond this is closed at once (gRPC connections are not counted).</summary>
    [Range(1, 1_000_000)]
    public int MaxConnections { get; set; } = 512;

    /// <summary>HTTP requests processed at once; the rest wait in a queue of <see cref="QueueLimit"/>, beyond which they get 429.</summary>
    [Range(1, 1024)]
    public int MaxConcurrentRequests { get; set; } = 4;

    [Range(0, 100_000)]
    public int QueueLimit { get; set; } = 64;

    /// <summary>How long an API answer is reused for the same URL (output cache); 0 computes every request afresh.</summary>
    [Range(0, 3600)]
    public int CacheSeconds { get; set; } = 5;

    /// <summary>The dashboard's folder (index.html, ES modules, echarts); empty: <c>dashboard/</c> beside the executable.</summary>
    public string DashboardPath { get; set; } = string.Empty;

    public IReadOnlyList<string> UrlList => Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public string ResolvedDashboardPath => DashboardPath.Length > 0 ? Path.GetFullPath(DashboardPath) : Path.Combine(AppContext.BaseDirectory, "dashboard");
}
