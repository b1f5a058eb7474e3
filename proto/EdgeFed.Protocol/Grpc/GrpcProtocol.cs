namespace EdgeFed.Protocol.Grpc;

/// <summary>Names and defaults of the gRPC-over-HTTP/2 wire protocol.</summary>
public static class GrpcProtocol
{
    public const string ContentType = "application/grpc";
    public const string StatusTrailer = "grpc-status";
    public const string MessageTrailer = "grpc-message";
    public const string TimeoutHeader = "grpc-timeout";
    public const string EncodingHeader = "grpc-encoding";
    public const string AcceptEncodingHeader = "grpc-accept-encoding";
    public const string IdentityEncoding = "identity";
    public const string GzipEncoding = "gzip";
    public const string SupportedEncodings = "gzip,identity";

    /// <summary>The default largest message a peer accepts (what real gRPC clients use).</summary>
    public const int DefaultMaxReceiveMessageSize = 4 * 1024 * 1024;

    /// <summary>True for <c>application/grpc</c> and its <c>+proto</c> / parameterised forms.</summary>
    public static bool IsGrpcContentType(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType) || !contentType.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var rest = contentType.AsSpan(ContentType.Length);
        return rest.IsEmpty || rest[0] is '+' or ';';
    }

    /// <summary>HTTP paths name methods case-sensitively; headers that are not metadata are skipped.</summary>
    public static bool IsReservedHeader(string key) =>
        key.StartsWith(':') || key.StartsWith("grpc-", StringComparison.OrdinalIgnoreCase) || key is "content-type"
            or "te" or "user-agent" or "host" or "content-length" or "accept-encoding" or "date" or "server"
            or "connection" or "transfer-encoding";
}
