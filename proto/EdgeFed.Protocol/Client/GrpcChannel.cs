using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using EdgeFed.Protocol.Client.Internal;

namespace EdgeFed.Protocol.Client;

/// <summary>
/// A connection to one gRPC server over HTTP/2: h2c with prior knowledge for <c>http://</c>, TLS with ALPN
/// for <c>https://</c>. Cheap to share; dispose it once at the end.
/// </summary>
public sealed class GrpcChannel : IDisposable
{
    private GrpcChannel(Uri address, GrpcChannelOptions options)
    {
        Address = address;
        Options = options;
        Invoker = new HttpMessageInvoker(options.HttpHandler ?? CreateHandler(options), disposeHandler: true);
        CallInvoker = new CallInvoker(this);
    }

    public Uri Address { get; }

    public GrpcChannelOptions Options { get; }

    public CallInvoker CallInvoker { get; }

    internal HttpMessageInvoker Invoker { get; }

    internal static readonly ProductInfoHeaderValue UserAgent = new("edgefed-grpc", "1.0");

    public static GrpcChannel ForAddress(string address, GrpcChannelOptions? options = null) => ForAddress(new Uri(address), options);

    public static GrpcChannel ForAddress(Uri address, GrpcChannelOptions? options = null)
    {
        if (address.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"gRPC address '{address}' must be http:// (h2c) or https:// (TLS).", nameof(address));
        }

        return new GrpcChannel(address, options ?? new GrpcChannelOptions());
    }

    public void Dispose() => Invoker.Dispose();

    private static SocketsHttpHandler CreateHandler(GrpcChannelOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            KeepAlivePingTimeout = options.KeepAlivePingTimeout,
        };
        if (options.KeepAlivePingDelay is { } delay)
        {
            handler.KeepAlivePingDelay = delay;
        }

        if (options.ConnectionWrapper is { } wrap)
        {
            handler.ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return wrap(new System.Net.Sockets.NetworkStream(socket, ownsSocket: true));
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }

        handler.SslOptions.ClientCertificates = options.ClientCertificates;
        if (options.RootCertificates is { } roots)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                ValidateAgainst(roots, certificate, errors);
        }

        return handler;
    }

    /// <summary>Accepts a server certificate that chains to one of the given roots (and matches the host name).</summary>
    private static bool ValidateAgainst(X509Certificate2Collection roots, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) ||
            errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }
}
