using System.Security.Cryptography.X509Certificates;
using EdgeFed.Protocol.Grpc;

namespace EdgeFed.Protocol.Client;

public sealed class GrpcChannelOptions
{
    /// <summary>Largest response message accepted; larger ones end the call with RESOURCE_EXHAUSTED. Null: no limit.</summary>
    public int? MaxReceiveMessageSize { get; set; } = GrpcProtocol.DefaultMaxReceiveMessageSize;

    /// <summary>Largest request message sent; null for no limit.</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>"gzip" to compress request messages; null to send them as they are.</summary>
    public string? SendCompression { get; set; }

    /// <summary>HTTP/2 PING interval on an idle or busy connection, so dead links are found (null: none).</summary>
    public TimeSpan? KeepAlivePingDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a PING may go unanswered before the connection is closed.</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>For https: trust exactly these roots (a private CA) instead of the system store. Null: system store.</summary>
    public X509Certificate2Collection? RootCertificates { get; set; }

    /// <summary>For https: a client certificate to present.</summary>
    public X509Certificate2Collection? ClientCertificates { get; set; }

    /// <summary>Replaces the SocketsHttpHandler the channel would build (tests, proxies).</summary>
    public HttpMessageHandler? HttpHandler { get; set; }

    /// <summary>Wraps each new connection's stream (before TLS), e.g. to count the bytes on the wire; null: as is.</summary>
    public Func<Stream, Stream>? ConnectionWrapper { get; set; }
}
