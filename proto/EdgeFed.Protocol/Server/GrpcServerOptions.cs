using System.ComponentModel.DataAnnotations;
using EdgeFed.Protocol.Grpc;

namespace EdgeFed.Protocol.Server;

/// <summary>Per-server limits and behaviour of the gRPC transport.</summary>
public sealed class GrpcServerOptions
{
    /// <summary>Largest request message accepted (after decompression); larger ones end the call with RESOURCE_EXHAUSTED.</summary>
    [Range(1, int.MaxValue)]
    public int MaxReceiveMessageSize { get; set; } = GrpcProtocol.DefaultMaxReceiveMessageSize;

    /// <summary>Largest response message sent; null for no limit.</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>"gzip" to compress responses for clients that accept it; null to send them as they are.</summary>
    public string? ResponseCompression { get; set; }

    /// <summary>Put the exception message of a failing handler in grpc-message (off: it may hold internals).</summary>
    public bool EnableDetailedErrors { get; set; }
}
