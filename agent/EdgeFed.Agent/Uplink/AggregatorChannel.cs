using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;

namespace EdgeFed.Agent.Uplink;

/// <summary>
/// The agent's <see cref="GrpcChannel"/>: SocketsHttpHandler with HTTP/2 keepalive pings (a dead or blackholed link is
/// found within ping delay + timeout even while a stream is open), h2c for <c>http://</c>, TLS for <c>https://</c>
/// trusting exactly <see cref="AgentOptions.AggregatorCaFile"/> when it is set, and every byte written counted for
/// the traffic figures.
/// </summary>
public static class AggregatorChannel
{
    public static readonly TimeSpan KeepAlivePingDelay = TimeSpan.FromSeconds(60);

    public static readonly TimeSpan KeepAlivePingTimeout = TimeSpan.FromSeconds(20);

    public static GrpcChannel Create(string url, string? caFile, TimeSpan? keepAlivePingDelay = null)
    {
        var handler = new SocketsHttpHandler
        {
            KeepAlivePingDelay = keepAlivePingDelay ?? KeepAlivePingDelay,
            KeepAlivePingTimeout = KeepAlivePingTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            ConnectCallback = ConnectCountingAsync,
        };
        if (!string.IsNullOrEmpty(caFile))
        {
            var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            policy.CustomTrustStore.Add(X509CertificateLoader.LoadCertificateFromFile(caFile));
            handler.SslOptions = new SslClientAuthenticationOptions { CertificateChainPolicy = policy };
        }

        return GrpcChannel.ForAddress(url, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
    }

    private static async ValueTask<Stream> ConnectCountingAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            return new CountingStream(new NetworkStream(socket, ownsSocket: true));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
