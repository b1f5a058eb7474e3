using EdgeFed.Aggregator.Alerts;
using EdgeFed.Aggregator.Concentration;
using EdgeFed.Aggregator.Http;
using EdgeFed.Aggregator.Metrics;
using EdgeFed.Aggregator.Ingest;
using EdgeFed.Aggregator.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeFed.Aggregator.Extensions;

public static class AggregatorExtensions
{
    /// <summary>
    /// Options (validated at start), storage, Grpc.AspNetCore with its limits, health, reflection and the services, and
    /// the HTTP endpoint (dashboard, API, metrics) from <c>Aggregator:Http</c>. The gRPC endpoint itself is the host's
    /// to configure (<see cref="KestrelEndpoints.Listen"/> in <c>serve</c>, a test's own listener in tests).
    /// </summary>
    public static WebApplicationBuilder AddAggregator(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AggregatorOptions>()
            .BindConfiguration(AggregatorOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<GrpcLimits>().BindConfiguration(GrpcLimits.Section).ValidateDataAnnotations().ValidateOnStart();
        var limits = builder.Configuration.GetSection(GrpcLimits.Section).Get<GrpcLimits>() ?? new GrpcLimits();
        builder.Services.AddGrpc(grpc =>
            {
                grpc.MaxReceiveMessageSize = limits.MaxReceiveMessageSize;
                grpc.ResponseCompressionAlgorithm = limits.ResponseCompressionAlgorithm;
            })
            .AddServiceOptions<AggregatorService>(service =>
            {
                // Only the aggregator's own service: health and reflection stay open to any client.
                service.Interceptors.Add<MetricsInterceptor>();
                service.Interceptors.Add<MalformedMessageInterceptor>();
                service.Interceptors.Add<AgentAuthInterceptor>();
            });
        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcHealthChecks(health => health.Services.Map(Protocol.V1.Aggregator.Descriptor.FullName, _ => true))
            .AddCheck<LifetimeHealthCheck>("lifetime");

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ReportStore>();
        builder.Services.AddSingleton<AgentDirectory>();
        builder.Services.AddSingleton<IngestLimiter>();
        builder.Services.AddHostedService<RollupService>();
        builder.Services.AddSingleton<BlockSource>();
        builder.Services.AddSingleton<ConcentrationQuery>();
        builder.Services.AddOptions<AlertOptions>().BindConfiguration("Aggregator:Alerts").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<AlertService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AlertService>());
        builder.Services.AddSingleton<AggregatorService>();
        builder.Services.AddSingleton<Upstream.UpstreamForwarder>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Upstream.UpstreamForwarder>());

        // Cleartext endpoints speak HTTP/2 with prior knowledge (h2c); TLS endpoints negotiate h2 by ALPN.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http2));
        var endpoints = new KestrelEndpoints();
        builder.Services.AddSingleton(endpoints);
        builder.AddHttpApi(endpoints);
        return builder;
    }

    public static WebApplication MapAggregator(this WebApplication app)
    {
        app.UseHttpApi();
        var service = app.MapGrpcService<AggregatorService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        app.MapHttpApi(service);
        return app;
    }
}
