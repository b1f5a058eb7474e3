using EdgeFed.Protocol.Grpc;
using Microsoft.AspNetCore.Http;

namespace EdgeFed.Protocol.Server;

/// <summary>What a service method knows about its call: metadata, deadline, cancellation, and its trailers.</summary>
public sealed class ServerCallContext
{
    private readonly HttpContext _http;

    internal ServerCallContext(HttpContext http, string method, DateTime deadline, Metadata requestHeaders, CancellationToken cancellationToken)
    {
        _http = http;
        Method = method;
        Deadline = deadline;
        RequestHeaders = requestHeaders;
        CancellationToken = cancellationToken;
    }

    public string Method { get; }

    /// <summary>UTC deadline from the client's grpc-timeout, or <see cref="DateTime.MaxValue"/>.</summary>
    public DateTime Deadline { get; }

    public Metadata RequestHeaders { get; }

    /// <summary>Cancelled when the client cancels, the connection drops or the deadline passes.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Trailers sent with the final status.</summary>
    public Metadata ResponseTrailers { get; } = new();

    /// <summary>The status to end with when the handler returns normally (OK unless set).</summary>
    public Status Status { get; set; } = Status.DefaultSuccess;

    public HttpContext GetHttpContext() => _http;

    /// <summary>Sends response headers (custom metadata) before the first message.</summary>
    public Task WriteResponseHeadersAsync(Metadata headers)
    {
        foreach (var entry in headers)
        {
            _http.Response.Headers.Append(entry.Key, entry.ToHeaderValue());
        }

        return _http.Response.StartAsync(CancellationToken);
    }
}
