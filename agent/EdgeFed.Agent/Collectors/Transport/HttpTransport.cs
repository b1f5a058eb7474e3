using System.Net;
using System.Net.Sockets;

namespace EdgeFed.Agent.Collectors.Transport;

/// <summary>
/// The HTTP JSON APIs (AxeOS <c>/api/system/info</c>, ePIC on 4028, Proto <c>/api/v1/...</c>): one GET, bounded in time and
/// size. A server that answers something other than HTTP (a CGMiner socket) is a malformed reply.
/// </summary>
public sealed class HttpTransport : IDisposable
{
    private const int MaxReplyBytes = 1024 * 1024;

    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        MaxConnectionsPerServer = 2,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
        MaxResponseContentBufferSize = MaxReplyBytes,
    };

    public async Task<byte[]> GetAsync(string host, int port, string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            using var response = await _http.GetAsync(new Uri($"http://{host}:{port}{path}"), cts.Token);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new PollException(PollErrorKind.ApiError, $"GET {path} answered HTTP {(int)response.StatusCode}.");
            }

            return await response.Content.ReadAsByteArrayAsync(cts.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PollException(PollErrorKind.Timeout, $"{host}:{port} did not answer within {timeout.TotalSeconds:0.##} s.");
        }
        catch (HttpRequestException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
        {
            throw new PollException(PollErrorKind.ConnectionRefused, $"{host}:{port} refused the connection.", ex);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.InvalidResponse)
        {
            throw new PollException(PollErrorKind.MalformedReply, $"{host}:{port} does not speak HTTP: {ex.Message}", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new PollException(ex.HttpRequestError == HttpRequestError.ResponseEnded ? PollErrorKind.TruncatedReply : PollErrorKind.ConnectionReset,
                $"{host}:{port}: {ex.Message}", ex);
        }
    }

    /// <summary>A JSON POST (Braiins OS GraphQL): the reply body and the session cookie the server set, if any.</summary>
    public async Task<(byte[] Body, string? SessionCookie)> PostJsonAsync(
        string host, int port, string path, string json, string? cookie, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"http://{host}:{port}{path}"))
            {
                Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
            };
            if (cookie is not null)
            {
                request.Headers.Add("Cookie", cookie);
            }

            using var response = await _http.SendAsync(request, cts.Token);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new PollException(PollErrorKind.ApiError, $"POST {path} answered HTTP {(int)response.StatusCode}.");
            }

            var session = response.Headers.TryGetValues("Set-Cookie", out var cookies)
                ? cookies.SelectMany(c => c.Split(';')).Select(p => p.Trim()).FirstOrDefault(p => p.StartsWith("session_id=", StringComparison.Ordinal) && p.Length > 11)
                : null;
            return (await response.Content.ReadAsByteArrayAsync(cts.Token), session);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PollException(PollErrorKind.Timeout, $"{host}:{port} did not answer within {timeout.TotalSeconds:0.##} s.");
        }
        catch (HttpRequestException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
        {
            throw new PollException(PollErrorKind.ConnectionRefused, $"{host}:{port} refused the connection.", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new PollException(ex.HttpRequestError == HttpRequestError.ResponseEnded ? PollErrorKind.TruncatedReply : PollErrorKind.ConnectionReset,
                $"{host}:{port}: {ex.Message}", ex);
        }
    }

    public void Dispose() => _http.Dispose();
}
