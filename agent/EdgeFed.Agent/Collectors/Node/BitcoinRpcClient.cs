using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeFed.Agent.Internal;

namespace EdgeFed.Agent.Collectors.Node;

/// <summary>A Bitcoin Core JSON-RPC failure: refused credentials, an RPC error, or a reply that is not JSON-RPC.</summary>
public sealed class BitcoinRpcException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Bitcoin Core's JSON-RPC over HTTP with basic authentication: the <c>.cookie</c> file (<c>__cookie__:password</c>,
/// re-read on every call because the node rewrites it on restart) or a configured user and password.
/// </summary>
public sealed class BitcoinRpcClient(Uri url, Func<string> credentials, HttpMessageHandler? handler = null) : IDisposable
{
    private readonly HttpClient _http = new(handler ?? new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };
    private int _id;

    public static BitcoinRpcClient WithCookie(Uri url, string cookiePath) => new(url, () => File.ReadAllText(cookiePath).Trim());

    public static BitcoinRpcClient WithPassword(Uri url, string user, string password) => new(url, () => $"{user}:{password}");

    public async Task<JsonElement> CallAsync(string method, JsonNode?[] parameters, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(JsonSerializer.Serialize(new BitcoinRpcRequest("1.0", Interlocked.Increment(ref _id), method, parameters), AgentJsonContext.Default.BitcoinRpcRequest),
                Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials())));
        using var response = await _http.SendAsync(request, cancellationToken);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new BitcoinRpcException($"{url}: the node refused the RPC credentials (HTTP {(int)response.StatusCode}).");
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.TryGetProperty("error", out var error) && error.ValueKind != JsonValueKind.Null)
            {
                throw new BitcoinRpcException($"{method}: {error.GetProperty("message").GetString()} (code {error.GetProperty("code").GetInt32()}).");
            }

            return root.GetProperty("result").Clone();
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new BitcoinRpcException($"{method}: the reply is not JSON-RPC (HTTP {(int)response.StatusCode}).", ex);
        }
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>A Bitcoin Core JSON-RPC 1.0 request.</summary>
public sealed record BitcoinRpcRequest(string Jsonrpc, int Id, string Method, JsonNode?[] Params);
