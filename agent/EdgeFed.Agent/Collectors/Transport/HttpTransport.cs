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

    public void Dispose() => _http.Dispose();
}
