using System.Collections.Concurrent;
using System.Net;
using EdgeFed.Aggregator.Extensions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace EdgeFed.Protocol.Tests.Infrastructure;

/// <summary>
/// The real aggregator (AddAggregator / MapAggregator) on 127.0.0.1:0 with a SQLite file in a temp folder, k = 1, one
/// Report stream at a time (so a scenario can tell that the server let a stream go), a 1 MiB message limit and gzip
/// responses. It records each call's request and response <c>grpc-encoding</c>, to show what was compressed.
/// </summary>
internal sealed class InteropAggregator : IAsyncDisposable
{
    public const string Token = "interop-token-0123456789";
    public const int MaxReceiveMessageSize = 1024 * 1024;

    private readonly WebApplication _app;
    private readonly string _directory;

    private InteropAggregator(WebApplication app, string directory)
    {
        _app = app;
        _directory = directory;
        Address = new Uri(app.Urls.Single());
    }

    public Uri Address { get; }

    public string Target => $"127.0.0.1:{Address.Port}";

    public string DatabasePath => Path.Combine(_directory, "aggregator.db");

    public ConcurrentQueue<(string Path, string RequestEncoding, string ResponseEncoding)> Calls { get; } = new();

    public static async Task<InteropAggregator> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("edgefed-interop-").FullName;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = directory });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Aggregator:DatabasePath"] = Path.Combine(directory, "aggregator.db"),
            ["Aggregator:EnrolmentToken"] = Token,
            ["Aggregator:Http:Urls"] = string.Empty, // gRPC only: no dashboard endpoint beside it
            ["Aggregator:MinAgentsPerCell"] = "1",
            ["Aggregator:MaxConcurrentStreams"] = "1",
            ["Grpc:MaxReceiveMessageSize"] = MaxReceiveMessageSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Grpc:ResponseCompression"] = "gzip",
        });
        builder.AddAggregator();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0)); // after AddAggregator: its endpoint defaults (h2c) apply
        var app = builder.Build();
        InteropAggregator? self = null;
        app.Use(async (context, next) =>
        {
            var requestEncoding = context.Request.Headers["grpc-encoding"].ToString();
            context.Response.OnStarting(() =>
            {
                self?.Calls.Enqueue((context.Request.Path.Value ?? string.Empty, requestEncoding, context.Response.Headers["grpc-encoding"].ToString()));
                return Task.CompletedTask;
            });
            await next(context);
        });
        app.MapAggregator();
        await app.StartAsync();
        self = new InteropAggregator(app, directory);
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
