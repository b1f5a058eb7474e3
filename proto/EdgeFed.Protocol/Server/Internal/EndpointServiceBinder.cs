using EdgeFed.Protocol.Grpc;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace EdgeFed.Protocol.Server.Internal;

/// <summary>Maps each bound method to a POST endpoint; every call kind runs through one duplex-shaped handler.</summary>
internal sealed class EndpointServiceBinder<TService>(IEndpointRouteBuilder endpoints) : IServiceBinder<TService>
    where TService : class
{
    public void AddUnaryMethod<TRequest, TResponse>(
        Method<TRequest, TResponse> method, Func<TService, TRequest, ServerCallContext, Task<TResponse>> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        Map(method, async (service, requests, responses, context) =>
        {
            var request = await requests.ReadSingleAsync(context.CancellationToken);
            await responses.WriteAsync(await handler(service, request, context), context.CancellationToken);
        });

    public void AddClientStreamingMethod<TRequest, TResponse>(
        Method<TRequest, TResponse> method, Func<TService, IAsyncStreamReader<TRequest>, ServerCallContext, Task<TResponse>> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        Map(method, async (service, requests, responses, context) =>
            await responses.WriteAsync(await handler(service, requests, context), context.CancellationToken));

    public void AddServerStreamingMethod<TRequest, TResponse>(
        Method<TRequest, TResponse> method, Func<TService, TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        Map(method, async (service, requests, responses, context) =>
            await handler(service, await requests.ReadSingleAsync(context.CancellationToken), responses, context));

    public void AddDuplexStreamingMethod<TRequest, TResponse>(
        Method<TRequest, TResponse> method,
        Func<TService, IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        Map(method, (service, requests, responses, context) => handler(service, requests, responses, context));

    private void Map<TRequest, TResponse>(
        Method<TRequest, TResponse> method,
        Func<TService, RequestStreamReader<TRequest>, ResponseStreamWriter<TResponse>, ServerCallContext, Task> invoke)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var handler = new ServerCallHandler<TService, TRequest, TResponse>(method, invoke);
        endpoints.MapPost(method.FullName, handler.HandleAsync).WithDisplayName($"gRPC {method.FullName}");
    }
}
