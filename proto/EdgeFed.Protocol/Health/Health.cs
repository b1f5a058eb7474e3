using EdgeFed.Protocol.Client;
using EdgeFed.Protocol.Grpc;
using EdgeFed.Protocol.Health.V1;
using EdgeFed.Protocol.Server;

namespace EdgeFed.Protocol.Health;

/// <summary>The grpc.health.v1.Health service: descriptors, a service base and a typed client.</summary>
public static class Health
{
    public const string ServiceName = "grpc.health.v1.Health";

    public static readonly Method<HealthCheckRequest, HealthCheckResponse> CheckMethod = new(MethodType.Unary, ServiceName, "Check");

    public static readonly Method<HealthCheckRequest, HealthCheckResponse> WatchMethod = new(MethodType.ServerStreaming, ServiceName, "Watch");

    public abstract class HealthBase
    {
        public abstract Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context);

        public abstract Task Watch(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responseStream, ServerCallContext context);
    }

    public static void BindService(IServiceBinder<HealthBase> binder)
    {
        binder.AddUnaryMethod(CheckMethod, (service, request, context) => service.Check(request, context));
        binder.AddServerStreamingMethod(WatchMethod, (service, request, stream, context) => service.Watch(request, stream, context));
    }

    public sealed class HealthClient(GrpcChannel channel)
    {
        public AsyncUnaryCall<HealthCheckResponse> CheckAsync(HealthCheckRequest request, CallOptions options = default) =>
            channel.CallInvoker.AsyncUnaryCall(CheckMethod, options, request);

        public AsyncServerStreamingCall<HealthCheckResponse> Watch(HealthCheckRequest request, CallOptions options = default) =>
            channel.CallInvoker.AsyncServerStreamingCall(WatchMethod, options, request);
    }
}
