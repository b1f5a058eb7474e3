using System.Collections.Concurrent;
using System.Net.Sockets;
using EdgeFed.Agent.Collectors.Braiins.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace EdgeFed.Agent.Collectors.Braiins;

/// <summary>
/// The Braiins OS API (gRPC, <c>braiins.bos.v1</c>, plaintext HTTP/2 on 50051) through Grpc.Net.Client: one channel
/// per miner, a login token per miner sent as raw <c>authorization</c> metadata (no "Bearer"), refreshed once when
/// the miner answers UNAUTHENTICATED. gRPC failures become typed poll errors.
/// </summary>
public sealed class BraiinsApiClient(string username, string password) : IDisposable
{
    public const int DefaultPort = 50051;

    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new();
    private readonly ConcurrentDictionary<string, string> _tokens = new();

    /// <summary>Open channels (one per miner that answers).</summary>
    internal int Channels => _channels.Count;

    public async Task<T> CallAsync<T>(MinerEndpoint endpoint, TimeSpan timeout, Func<CallInvoker, CallOptions, Task<T>> call, CancellationToken cancellationToken)
    {
        var key = endpoint.ToString();
        var channel = _channels.GetOrAdd(key, _ => GrpcChannel.ForAddress($"http://{key}", new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { UseProxy = false, ConnectTimeout = timeout, EnableMultipleHttp2Connections = false },
            MaxReceiveMessageSize = 4 * 1024 * 1024,
        }));
        var invoker = channel.CreateCallInvoker();
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                var token = _tokens.TryGetValue(key, out var known) ? known : await LoginAsync(invoker, key, timeout, cancellationToken);
                try
                {
                    return await call(invoker, Options(timeout, token, cancellationToken));
                }
                catch (RpcException ex) when (ex.StatusCode == StatusCode.Unauthenticated && attempt == 0)
                {
                    _tokens.TryRemove(key, out _); // the token expired (3600 s idle) or the miner restarted
                }
            }
        }
        catch (RpcException ex)
        {
            var mapped = Map(ex, key, timeout, cancellationToken);
            if (mapped is PollException { Kind: PollErrorKind.ConnectionRefused or PollErrorKind.Timeout })
            {
                Forget(key); // nothing answers there (often a detection probe): keep no channel per dead endpoint
            }

            throw mapped;
        }
    }

    private void Forget(string key)
    {
        _tokens.TryRemove(key, out _);
        if (_channels.TryRemove(key, out var channel))
        {
            channel.Dispose();
        }
    }

    public void Dispose()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }
    }

    private async Task<string> LoginAsync(CallInvoker invoker, string key, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var reply = await new AuthenticationService.AuthenticationServiceClient(invoker)
            .LoginAsync(new LoginRequest { Username = username, Password = password }, Options(timeout, null, cancellationToken));
        _tokens[key] = reply.Token;
        return reply.Token;
    }

    private static CallOptions Options(TimeSpan timeout, string? token, CancellationToken cancellationToken) =>
        new(token is null ? null : new Metadata { { "authorization", token } }, DateTime.UtcNow + timeout, cancellationToken);

    private static Exception Map(RpcException ex, string key, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (ex.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            return new OperationCanceledException(cancellationToken);
        }

        var refused = ex.Status.DebugException is { } debug && Inner<SocketException>(debug) is { SocketErrorCode: SocketError.ConnectionRefused };
        return ex.StatusCode switch
        {
            StatusCode.DeadlineExceeded => new PollException(PollErrorKind.Timeout, $"{key} did not answer within {timeout.TotalSeconds:0.##} s.", ex),
            StatusCode.Unavailable when refused => new PollException(PollErrorKind.ConnectionRefused, $"{key} refused the connection.", ex),
            StatusCode.Unavailable => new PollException(PollErrorKind.ConnectionReset, $"{key}: {ex.Status.Detail}", ex),
            StatusCode.Unimplemented => new PollException(PollErrorKind.UnexpectedReply, $"{key} does not serve this braiins.bos.v1 call: {ex.Status.Detail}", ex),
            StatusCode.Internal when ex.Status.DebugException is not null => new PollException(PollErrorKind.MalformedReply, $"{key}: {ex.Status.Detail}", ex),
            _ => new PollException(PollErrorKind.ApiError, $"{key} answered {ex.StatusCode}: {ex.Status.Detail}", ex),
        };
    }

    private static T? Inner<T>(Exception ex) where T : Exception
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }
}
