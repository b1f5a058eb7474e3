using System.Net;
using EdgeFed.Aggregator.Extensions;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeFed.Aggregator.Tests;

/// <summary>
/// The real aggregator (same wiring as `serve`) on Kestrel 127.0.0.1:0 with a SQLite file in a temp folder, or on a
/// database of its own on the test PostgreSQL server.
/// </summary>
public sealed class AggregatorHost : IAsyncDisposable
{
    public const string Token = "test-enrolment-token-0123456789";
    private readonly WebApplication _app;
    private readonly string? _database;

    private AggregatorHost(WebApplication app, string directory, Uri address, Uri? http, string? database)
    {
        _database = database;
        Http = http;
        _app = app;
        Directory = directory;
        Address = address;
        Channel = GrpcChannel.ForAddress(address);
        Client = new Protocol.V1.Aggregator.AggregatorClient(Channel);
    }

    public string Directory { get; }

    /// <summary>The PostgreSQL database's connection string (null on SQLite); dropped when the host is disposed unless kept.</summary>
    public string? Database => _database;

    /// <summary>Keeps the PostgreSQL database past this host, for a restart on it (the next host drops it).</summary>
    public bool KeepDatabase { get; set; }

    public IServiceProvider Services => _app.Services;

    public Uri Address { get; }

    /// <summary>The HTTP endpoint (dashboard, API, metrics) when the host was started with <c>http: true</c>.</summary>
    public Uri? Http { get; }

    public GrpcChannel Channel { get; }

    public Protocol.V1.Aggregator.AggregatorClient Client { get; }

    public static async Task<AggregatorHost> StartAsync(
        int minAgents = 3, string? directory = null, int port = 0, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null,
        Dictionary<string, string?>? settings = null, bool http = false, TestStore store = TestStore.Sqlite, string? database = null)
    {
        directory ??= System.IO.Directory.CreateTempSubdirectory("edgefed-aggregator-").FullName;
        database ??= store == TestStore.Postgres ? await TestPostgres.CreateDatabaseAsync() : null;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Aggregator:DatabasePath"] = Path.Combine(directory, "aggregator.db"),
            ["Aggregator:EnrolmentToken"] = Token,
            ["Aggregator:MinAgentsPerCell"] = minAgents.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Aggregator:Http:Urls"] = http ? "http://127.0.0.1:0" : string.Empty,
            ["Aggregator:Http:CacheSeconds"] = "0",
        });
        if (database is not null)
        {
            builder.Configuration.AddInMemoryCollection(TestPostgres.Settings(database));
        }

        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.AddAggregator();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        var app = builder.Build().MapAggregator();
        await app.StartAsync();
        var httpAddress = app.Services.GetRequiredService<EdgeFed.Aggregator.Http.KestrelEndpoints>().HttpAddresses.SingleOrDefault();
        var address = app.Urls.Single(u => httpAddress is null || new Uri(u) != httpAddress);
        if (certificate is not null)
        {
            address = address.Replace("127.0.0.1", "localhost", StringComparison.Ordinal); // the name on the certificate
        }

        return new AggregatorHost(app, directory, new Uri(address), httpAddress, database);
    }

    /// <summary>What the host's lifetime says; <c>StopApplication()</c> on it begins stopping without taking Kestrel down here.</summary>
    public Microsoft.Extensions.Hosting.IHostApplicationLifetime Lifetime => _app.Lifetime;

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (_database is not null && !KeepDatabase)
        {
            await TestPostgres.DropDatabaseAsync(_database);
        }
    }
}
