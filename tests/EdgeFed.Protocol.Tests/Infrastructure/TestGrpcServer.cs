using System.Net;
using System.Security.Cryptography.X509Certificates;
using EdgeFed.Protocol.Health;
using EdgeFed.Protocol.Server;
using EdgeFed.Protocol.Tests.Interop;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeFed.Protocol.Tests.Infrastructure;

/// <summary>A real Kestrel on 127.0.0.1:0 serving the interop and health services over h2c (or TLS).</summary>
public sealed class TestGrpcServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestGrpcServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public InteropObserver Observer => _app.Services.GetRequiredService<InteropObserver>();

    public HealthService Health => _app.Services.GetRequiredService<HealthService>();

    public static async Task<TestGrpcServer> StartAsync(Action<GrpcServerOptions>? configure = null, X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpcTransport(configure);
        builder.Services.AddSingleton<InteropObserver>();
        builder.Services.AddSingleton<HealthService>();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        var app = builder.Build();
        app.MapGrpcService<InteropService>(InteropContract.BindService);
        app.MapGrpcService<HealthService>(Protocol.Health.Health.BindService);
        await app.StartAsync();
        var bound = app.ListeningAddresses().Single();
        var address = new Uri(certificate is null ? bound : bound.Replace("127.0.0.1", "localhost", StringComparison.Ordinal));
        return new TestGrpcServer(app, address);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
