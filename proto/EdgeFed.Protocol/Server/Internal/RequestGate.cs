using EdgeFed.Protocol.Grpc;
using Microsoft.AspNetCore.Http;

namespace EdgeFed.Protocol.Server.Internal;

/// <summary>The checks every gRPC request passes before any method runs, answered as the protocol says.</summary>
internal static class RequestGate
{
    public static async Task<bool> AcceptAsync(HttpContext http)
    {
        if (!HttpProtocol.IsHttp2(http.Request.Protocol))
        {
            http.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            http.Response.Headers.Upgrade = "h2c";
            await http.Response.WriteAsync($"gRPC requires HTTP/2; the request used {http.Request.Protocol}.");
            return false;
        }

        if (!GrpcProtocol.IsGrpcContentType(http.Request.ContentType))
        {
            http.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            http.Response.Headers[GrpcProtocol.StatusTrailer] = ((int)StatusCode.Internal).ToString(System.Globalization.CultureInfo.InvariantCulture);
            http.Response.Headers[GrpcProtocol.MessageTrailer] = $"Content-Type '{http.Request.ContentType}' is not supported.";
            return false;
        }

        return true;
    }

    /// <summary>Answers a path no service maps: 415 for non-gRPC requests, else UNIMPLEMENTED (trailers-only).</summary>
    public static async Task UnimplementedAsync(HttpContext http)
    {
        if (!await AcceptAsync(http))
        {
            return;
        }

        var path = http.Request.Path.Value ?? string.Empty;
        http.Response.ContentType = GrpcProtocol.ContentType;
        http.Response.Headers[GrpcProtocol.StatusTrailer] = ((int)StatusCode.Unimplemented).ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Response.Headers[GrpcProtocol.MessageTrailer] = Grpc.Internal.PercentEncoding.Encode($"Method {path} is not implemented by this server.");
    }
}
