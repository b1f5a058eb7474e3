using System.Net;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace EdgeFed.Aggregator.Http;

/// <summary>
/// The aggregator's two kinds of Kestrel endpoint: gRPC (HTTP/2 only: h2c, or h2 by ALPN over TLS) and HTTP
/// (HTTP/1.1 and HTTP/2, for browsers, scripts and Prometheus). Connections on an HTTP endpoint are marked so the
/// request pipeline can tell them apart, and counted so a connection flood is cut off before it reaches gRPC.
/// </summary>
public sealed class KestrelEndpoints
{
    private const string HttpMarker = "edgefed.http-endpoint";
    private readonly List<(ListenOptions Listen, string Scheme, string Host)> _http = [];
    private int _openHttp;

    /// <summary>Listens on an ASP.NET-style URL (<c>http://127.0.0.1:0</c>, <c>https://*:443</c>, <c>http://localhost:8080</c>).</summary>
    public static ListenOptions? Listen(KestrelServerOptions kestrel, string url, Action<ListenOptions> configure)
    {
        if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"'{url}' is not an http:// or https:// listen address.", nameof(url));
        }

        ListenOptions? captured = null;
        void Configure(ListenOptions listen)
        {
            if (uri.Scheme == "https")
            {
                listen.UseHttps();
            }

            configure(listen);
            captured = listen;
        }

        if (uri.IsLoopback && uri.Host == "localhost")
        {
            kestrel.ListenLocalhost(uri.Port, Configure);
        }
        else
        {
            kestrel.Listen(IPAddress.Parse(uri.Host.Trim('[', ']')), uri.Port, Configure);
        }

        return captured;
    }

    /// <summary>The HTTP endpoints of <paramref name="options"/>, HTTP/1.1 and HTTP/2, each connection marked and counted.</summary>
    public void ListenHttp(KestrelServerOptions kestrel, HttpApiOptions options)
    {
        foreach (var url in options.UrlList)
        {
            var uri = new Uri(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal));
            Listen(kestrel, url, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.Use(next => async connection =>
                {
                    if (Interlocked.Increment(ref _openHttp) > options.MaxConnections)
                    {
                        Interlocked.Decrement(ref _openHttp);
                        connection.Abort(); // over the limit: closed before any request is read
                        return;
                    }

                    try
                    {
                        connection.Items[HttpMarker] = true;
                        await next(connection);
                    }
                    finally
                    {
                        Interlocked.Decrement(ref _openHttp);
                    }
                });
                lock (_http)
                {
                    _http.Add((listen, uri.Scheme, uri.Host));
                }
            });
        }
    }

    /// <summary>The HTTP endpoints' addresses, with the ports bound (after the server started).</summary>
    public IReadOnlyList<Uri> HttpAddresses
    {
        get
        {
            lock (_http)
            {
                return _http.Select(h => new Uri(h.Listen.IPEndPoint is { } ip && h.Host != "localhost"
                    ? $"{h.Scheme}://{(ip.Address.Equals(IPAddress.Any) ? "127.0.0.1" : ip.Address.ToString())}:{ip.Port}/"
                    : $"{h.Scheme}://{h.Host}:{h.Listen.IPEndPoint?.Port}/")).ToList();
            }
        }
    }

    /// <summary>True when the request arrived on an HTTP endpoint (not the gRPC one).</summary>
    public static bool IsHttp(HttpContext context) =>
        context.Features.Get<IConnectionItemsFeature>()?.Items.ContainsKey(HttpMarker) == true;
}
