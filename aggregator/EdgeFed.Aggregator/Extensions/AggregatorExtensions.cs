using EdgeFed.Aggregator.Alerts;
using EdgeFed.Aggregator.Concentration;
using EdgeFed.Aggregator.Ingest;
using EdgeFed.Aggregator.Storage;
using EdgeFed.Protocol.Health;
using EdgeFed.Protocol.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using ServingStatus = EdgeFed.Protocol.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace EdgeFed.Aggregator.Extensions;

public static class AggregatorExtensions
{
    /// <summary>Options (validated at start), storage, the gRPC transport and the services.</summary>
    public static WebApplicationBuilder AddAggregator(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AggregatorOptions>()
            .BindConfiguration(AggregatorOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddGrpcTransport(o => builder.Configuration.GetSection("Grpc").Bind(o));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ReportStore>();
        builder.Services.AddSingleton<IngestLimiter>();
        builder.Services.AddSingleton<ConcentrationQuery>();
        builder.Services.AddOptions<AlertOptions>().BindConfiguration("Aggregator:Alerts").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<AlertService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AlertService>());
        builder.Services.AddSingleton<AggregatorService>();
        builder.Services.AddSingleton<HealthService>();

        // Cleartext endpoints speak HTTP/2 with prior knowledge (h2c); TLS endpoints negotiate h2 by ALPN.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http2));
        return builder;
    }

    public static WebApplication MapAggregator(this WebApplication app)
    {
        app.MapGrpcService<AggregatorService>(Protocol.V1.Aggregator.BindService);
        app.MapGrpcService<HealthService>(Health.BindService);
        var health = app.Services.GetRequiredService<HealthService>();
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            health.SetStatus(string.Empty, ServingStatus.Serving);
            health.SetStatus(Protocol.V1.Aggregator.ServiceName, ServingStatus.Serving);
        });
        app.Lifetime.ApplicationStopping.Register(() =>
        {
            health.SetStatus(string.Empty, ServingStatus.NotServing);
            health.SetStatus(Protocol.V1.Aggregator.ServiceName, ServingStatus.NotServing);
        });
        return app;
    }
}
