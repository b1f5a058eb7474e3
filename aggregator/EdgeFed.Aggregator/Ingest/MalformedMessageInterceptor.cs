using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace EdgeFed.Aggregator.Ingest;

/// <summary>
/// A request message on a stream that does not parse is INTERNAL with a message that says so (as gRPC's own
/// implementations answer an unparsable message), not the UNKNOWN "exception was thrown by handler" it would
/// otherwise surface as; the stream ends and nothing of it is stored.
/// </summary>
public sealed class MalformedMessageInterceptor : Interceptor
{
    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new RpcException(new Status(StatusCode.Internal, $"A request message on {context.Method} is not valid protobuf: {ex.Message}"));
        }
    }
}
