using EdgeFed.Protocol.Client.Internal;
using EdgeFed.Protocol.Grpc;
using Google.Protobuf;

namespace EdgeFed.Protocol.Client;

/// <summary>Starts calls of the four kinds on a channel; typed clients are thin wrappers over this.</summary>
public sealed class CallInvoker
{
    private readonly GrpcChannel _channel;

    internal CallInvoker(GrpcChannel channel) => _channel = channel;

    public AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, CallOptions options, TRequest request)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var call = GrpcCall<TRequest, TResponse>.Start(_channel, method, options, request);
        return new AsyncUnaryCall<TResponse>(call);
    }

    public AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, CallOptions options)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var call = GrpcCall<TRequest, TResponse>.Start(_channel, method, options, singleRequest: null);
        return new AsyncClientStreamingCall<TRequest, TResponse>(call, call);
    }

    public AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, CallOptions options, TRequest request)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var call = GrpcCall<TRequest, TResponse>.Start(_channel, method, options, request);
        return new AsyncServerStreamingCall<TResponse>(call);
    }

    public AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, CallOptions options)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var call = GrpcCall<TRequest, TResponse>.Start(_channel, method, options, singleRequest: null);
        return new AsyncDuplexStreamingCall<TRequest, TResponse>(call, call);
    }
}
