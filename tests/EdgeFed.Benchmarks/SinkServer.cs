using System.Globalization;
using System.Net;
using Grpc.Core;
using EdgeFed.Benchmarks.V1;
using EdgeFed.Protocol.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeFed.Benchmarks;

/// <summary>
/// Kestrel on 127.0.0.1:0 (h2c) with two sinks: a client-streaming gRPC method that counts reports, and a bare
/// HTTP/2 endpoint that counts request-body bytes (the ceiling: same transport, no gRPC framing or protobuf).
/// </summary>
public sealed class SinkServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SinkServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<SinkServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        app.MapGrpcService<CountingSink>();
        app.MapPost("/raw", async context =>
        {
            context.Features.Get<IHttpMaxRequestBodySizeFeature>()!.MaxRequestBodySize = null;
            var buffer = new byte[64 * 1024];
            long bytes = 0;
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
            {
                bytes += read;
            }

            await context.Response.WriteAsync(bytes.ToString(CultureInfo.InvariantCulture), context.RequestAborted);
        });
        await app.StartAsync();
        var address = app.Urls.Single();
        return new SinkServer(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class CountingSink : Sink.SinkBase
    {
        public override async Task<ReportAck> Collect(IAsyncStreamReader<AggregateReport> requests, ServerCallContext context)
        {
            ulong count = 0;
            while (await requests.MoveNext(context.CancellationToken))
            {
                count++;
            }

            return new ReportAck { Sequence = count };
        }
    }
}
