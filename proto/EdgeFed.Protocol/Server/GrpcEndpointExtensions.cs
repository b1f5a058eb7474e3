using EdgeFed.Protocol.Server.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeFed.Protocol.Server;

public static class GrpcEndpointExtensions
{
    /// <summary>Adds the transport's options (section <c>Grpc</c> of configuration, if any) and its defaults.</summary>
    public static IServiceCollection AddGrpcTransport(this IServiceCollection services, Action<GrpcServerOptions>? configure = null)
    {
        var builder = services.AddOptions<GrpcServerOptions>().ValidateDataAnnotations();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        services.AddRouting();
        return services;
    }

    /// <summary>
    /// Maps the methods of <typeparamref name="TService"/> (resolved from DI, or created, per call) with the
    /// binder of its base class, e.g. <c>MapGrpcService&lt;MyAggregator&gt;(AggregatorBase.BindService)</c>.
    /// Unknown methods answer UNIMPLEMENTED.
    /// </summary>
    public static IEndpointRouteBuilder MapGrpcService<TService>(this IEndpointRouteBuilder endpoints, Action<IServiceBinder<TService>> bind)
        where TService : class
    {
        bind(new EndpointServiceBinder<TService>(endpoints));
        if (!endpoints.DataSources.SelectMany(s => s.Endpoints).Any(e => e.DisplayName == UnimplementedName))
        {
            endpoints.MapFallback("{**path}", RequestGate.UnimplementedAsync).WithDisplayName(UnimplementedName);
        }

        return endpoints;
    }

    private const string UnimplementedName = "gRPC unimplemented";
}
