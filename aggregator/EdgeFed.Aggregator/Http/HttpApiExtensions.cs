using System.Threading.RateLimiting;
using EdgeFed.Aggregator.Metrics;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Prometheus;

namespace EdgeFed.Aggregator.Http;

/// <summary>
/// The HTTP side of the aggregator: its own Kestrel endpoint, the dashboard's static files, the JSON/CSV API (gRPC
/// JSON transcoding for the RPCs, hand-written routes for mempool.space's shapes and the series), <c>/metrics</c>, and
/// the limits that keep HTTP from starving gRPC: a connection cap, a concurrency limiter with a bounded queue (then
/// 429), a short output cache, and a read-only HTTP endpoint (no gRPC call there) with no HTTP API on the gRPC one.
/// </summary>
public static class HttpApiExtensions
{
    private const string CachePolicy = "api";

    public static WebApplicationBuilder AddHttpApi(this WebApplicationBuilder builder, KestrelEndpoints endpoints)
    {
        builder.Services.AddOptions<HttpApiOptions>().BindConfiguration(HttpApiOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var options = builder.Configuration.GetSection(HttpApiOptions.Section).Get<HttpApiOptions>() ?? new HttpApiOptions();
        builder.WebHost.ConfigureKestrel(kestrel => endpoints.ListenHttp(kestrel, options));
        builder.Services.AddGrpc().AddJsonTranscoding();
        builder.Services.AddSingleton<AggregatorMetrics>();
        builder.Services.AddSingleton<ConcentrationGauges>();
        builder.Services.AddSingleton<PoolDirectory>();
        builder.Services.AddSingleton<SeriesReader>();
        builder.Services.AddOutputCache(cache => cache.AddPolicy(CachePolicy, policy => policy.Expire(TimeSpan.FromSeconds(Math.Max(1, options.CacheSeconds)))));
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => KestrelEndpoints.IsHttp(context)
                ? RateLimitPartition.GetConcurrencyLimiter("http", _ => new ConcurrencyLimiterOptions
                {
                    PermitLimit = options.MaxConcurrentRequests, QueueLimit = options.QueueLimit, QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                })
                : RateLimitPartition.GetNoLimiter("grpc"));
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                rejected.HttpContext.RequestServices.GetRequiredService<AggregatorMetrics>().HttpRejected.Inc();
                rejected.HttpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                rejected.HttpContext.Response.Headers.RetryAfter = "1";
                await rejected.HttpContext.Response.WriteAsJsonAsync(new { error = "Too many requests at once; retry in a second." }, cancellationToken);
            };
        });
        return builder;
    }

    /// <summary>Call before the gRPC services are mapped: the gate and the limits run ahead of every endpoint.</summary>
    public static WebApplication UseHttpApi(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HttpApiOptions>>().Value;
        app.Use(Gate);
        var dashboard = options.ResolvedDashboardPath;
        if (Directory.Exists(dashboard))
        {
            var files = new PhysicalFileProvider(dashboard);
            app.UseWhen(KestrelEndpoints.IsHttp, http => http.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files }).UseStaticFiles(new StaticFileOptions
            {
                FileProvider = files,
                OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = "no-cache", // revalidated, so a new build shows at once
            }));
        }

        if (options.CacheSeconds > 0)
        {
            app.UseOutputCache();
        }

        app.UseRateLimiter();
        return app;
    }

    public static WebApplication MapHttpApi(this WebApplication app, IEndpointConventionBuilder grpcService)
    {
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HttpApiOptions>>().Value;
        var api = app.MapGroup("/api/v1");
        api.AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            catch (ApiParameterException ex)
            {
                return ApiResults.Error(StatusCodes.Status400BadRequest, ex.Message);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.InvalidArgument)
            {
                return ApiResults.Error(StatusCodes.Status400BadRequest, ex.Status.Detail);
            }
        });
        MempoolApi.Map(api);
        SeriesApi.Map(api);
        CoverageApi.Map(api);
        if (options.CacheSeconds > 0)
        {
            api.CacheOutput(CachePolicy);
            grpcService.CacheOutput(CachePolicy); // the transcoded GETs; gRPC calls are POSTs, never cached
        }

        var metrics = app.Services.GetRequiredService<AggregatorMetrics>();
        var gauges = app.Services.GetRequiredService<ConcentrationGauges>();
        metrics.Registry.AddBeforeCollectCallback(gauges.UpdateAsync);
        app.MapMetrics("/metrics", metrics.Registry);
        return app;
    }

    /// <summary>
    /// The HTTP endpoint is read-only (GET and HEAD: every gRPC call, a POST, is refused there); the API and metrics
    /// are not served on the gRPC endpoint; CORS headers as mempool.space sends them.
    /// </summary>
    private static async Task Gate(HttpContext context, RequestDelegate next)
    {
        var http = KestrelEndpoints.IsHttp(context);
        if (http && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "GET, HEAD";
            await context.Response.WriteAsJsonAsync(new { error = $"{context.Request.Method}: this endpoint is read-only (GET and HEAD); gRPC is served on the aggregator's gRPC endpoint." });
            return;
        }

        if (!http && (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/metrics")))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (http && context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.Headers.AccessControlAllowOrigin = "*";
            context.Response.Headers.AccessControlExposeHeaders = "X-Total-Count,X-Mempool-Auth";
            if (TranscodedQuery.Problem(context.Request) is { } problem)
            {
                // In the shape transcoding gives its own errors (google.rpc.Status: INVALID_ARGUMENT is 3).
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await context.Response.WriteAsJsonAsync(new { code = 3, message = problem, details = Array.Empty<object>() });
                return;
            }
        }

        await next(context);
    }
}
