using Grpc.Core;
using Grpc.Core.Interceptors;

namespace EdgeFed.Aggregator.Metrics;

/// <summary>Counts every call of the aggregator's service that ends in an error status, by method and status (auth, validation, limits).</summary>
public sealed class MetricsInterceptor(AggregatorMetrics metrics) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (RpcException ex)
        {
            metrics.Failed(context.Method, ex.StatusCode);
            throw;
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        metrics.StreamsOpen.Inc();
        try
        {
            await continuation(requestStream, responseStream, context);
        }
        catch (RpcException ex)
        {
            metrics.Failed(context.Method, ex.StatusCode);
            throw;
        }
        finally
        {
            metrics.StreamsOpen.Dec();
        }
    }
}
