using EdgeFed.Protocol.Grpc;
using Google.Protobuf;

namespace EdgeFed.Protocol.Server;

/// <summary>
/// Registers a service's methods. A service base class exposes a static <c>BindService(IServiceBinder&lt;TBase&gt;)</c>
/// as gRPC's generated code does; covariance lets it bind any derived service.
/// </summary>
public interface IServiceBinder<out TService> where TService : class
{
    void AddUnaryMethod<TRequest, TResponse>(
        Method<TRequest, TResponse> method, Func<TService, TRequest, ServerCallContext, Task<TResponse>> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new();

    void AddClientStreamingMethod<TRequest, TResponse>(
        Method<TRequest, TResponse> method, Func<TService, IAsyncStreamReader<TRequest>, ServerCallContext, Task<TResponse>> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new();

    void AddServerStreamingMethod<TRequest, TResponse>(
        Method<TRequest, TResponse> method, Func<TService, TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new();

    void AddDuplexStreamingMethod<TRequest, TResponse>(
        Method<TRequest, TResponse> method,
        Func<TService, IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new();
}
