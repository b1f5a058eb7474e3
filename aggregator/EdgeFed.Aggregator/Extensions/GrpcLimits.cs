using System.ComponentModel.DataAnnotations;

namespace EdgeFed.Aggregator.Extensions;

/// <summary>The top-level <c>Grpc</c> section: message size and response compression for Grpc.AspNetCore.</summary>
public sealed class GrpcLimits
{
    public const string Section = "Grpc";

    /// <summary>Largest request message accepted (after decompression); larger ones end the call with RESOURCE_EXHAUSTED.</summary>
    [Range(1, int.MaxValue)]
    public int MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary><c>gzip</c> to compress responses for clients that accept it; <c>none</c> (default) to send them as they are.</summary>
    [RegularExpression("^(gzip|none)$", ErrorMessage = "Grpc:ResponseCompression must be 'gzip' or 'none'.")]
    public string ResponseCompression { get; set; } = "none";

    public string? ResponseCompressionAlgorithm => ResponseCompression == "gzip" ? "gzip" : null;
}
