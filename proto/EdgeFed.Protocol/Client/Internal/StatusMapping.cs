using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using EdgeFed.Protocol.Grpc;
using EdgeFed.Protocol.Grpc.Internal;

namespace EdgeFed.Protocol.Client.Internal;

/// <summary>From what came over HTTP/2 (headers, trailers, HTTP status, resets) to a gRPC status — in one place.</summary>
internal static class StatusMapping
{
    public static Status? FromHeaders(HttpHeaders headers)
    {
        if (!headers.TryGetValues(GrpcProtocol.StatusTrailer, out var codes))
        {
            return null;
        }

        var code = int.TryParse(codes.First(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? (StatusCode)value : StatusCode.Unknown;
        var message = headers.TryGetValues(GrpcProtocol.MessageTrailer, out var messages) ? PercentEncoding.Decode(messages.First()) : string.Empty;
        return new Status(code, message);
    }

    /// <summary>The mapping a client applies when a response has no grpc-status.</summary>
    public static StatusCode FromHttpStatus(HttpStatusCode status) => (int)status switch
    {
        400 => StatusCode.Internal,
        401 => StatusCode.Unauthenticated,
        403 => StatusCode.PermissionDenied,
        404 => StatusCode.Unimplemented,
        429 or 502 or 503 or 504 => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };

    /// <summary>An HTTP/2 RST_STREAM error code, as the gRPC spec maps it.</summary>
    public static Status FromReset(long errorCode) => errorCode switch
    {
        0x0 or 0x1 or 0x2 or 0x3 or 0x4 or 0x5 or 0x6 or 0x9 => new(StatusCode.Internal, $"Stream reset by the server (HTTP/2 error 0x{errorCode:x})."),
        0x7 => new(StatusCode.Unavailable, "Stream refused by the server."),
        0x8 => new(StatusCode.Cancelled, "Call cancelled by the server."),
        0xb => new(StatusCode.ResourceExhausted, "Server asked to slow down (ENHANCE_YOUR_CALM)."),
        0xc => new(StatusCode.PermissionDenied, "Inadequate transport security."),
        _ => new(StatusCode.Internal, $"Stream reset by the server (HTTP/2 error 0x{errorCode:x})."),
    };

    public static Metadata ToMetadata(HttpHeaders headers)
    {
        var metadata = new Metadata();
        foreach (var (key, values) in headers.NonValidated)
        {
            if (GrpcProtocol.IsReservedHeader(key))
            {
                continue;
            }

            foreach (var value in values)
            {
                metadata.Add(Metadata.Entry.FromHeader(key, value));
            }
        }

        return metadata;
    }
}
