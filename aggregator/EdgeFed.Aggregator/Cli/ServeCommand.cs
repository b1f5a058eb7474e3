using System.CommandLine;
using EdgeFed.Aggregator.Extensions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeFed.Aggregator.Cli;

/// <summary><c>edgefed-aggregator serve [--urls URL] [--Aggregator:Key=value ...]</c>: the aggregator service.</summary>
public static class ServeCommand
{
    public const string DefaultUrl = "http://127.0.0.1:50051";

    public static Command Create()
    {
        var command = new Command("serve", "Run the aggregator service (gRPC over HTTP/2; dashboard, HTTP API and metrics on Aggregator:Http:Urls).")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        var urls = new Option<string>("--urls") { Description = "Listen address(es), ASP.NET style; default " + DefaultUrl };
        command.Options.Add(urls);
        command.SetAction((result, cancellationToken) => RunAsync(result.GetValue(urls), [.. result.UnmatchedTokens], cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(string? urls, string[] hostArgs, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = hostArgs, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddEnvironmentVariables("EDGEFED_");
        var grpcUrls = (urls ?? builder.Configuration["urls"] ?? DefaultUrl).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            foreach (var url in grpcUrls)
            {
                // HTTP/2 only: cleartext endpoints speak h2c with prior knowledge, TLS ones negotiate h2 by ALPN.
                Http.KestrelEndpoints.Listen(kestrel, url, listen => listen.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2);
            }
        });
        builder.AddAggregator();
        // Options are validated, and the store opened, as the endpoints are mapped and the host starts: a bad setting or
        // an unreachable store stops here with one line naming it (exit 2), not a stack trace.
        WebApplication? started = null;
        try
        {
            started = builder.Build().MapAggregator();
            await started.StartAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is OptionsValidationException || Storage.ReportStore.IsStoreError(ex))
        {
            await Console.Error.WriteLineAsync(ex is OptionsValidationException invalid
                ? $"edgefed-aggregator: invalid configuration: {string.Join("; ", invalid.Failures)}"
                : $"edgefed-aggregator: cannot open the store ({Storage.ReportStore.Describe(builder.Configuration.GetSection(AggregatorOptions.Section).Get<AggregatorOptions>() ?? new())}): {ex.Message}");
            if (started is not null)
            {
                await started.DisposeAsync();
            }

            return 2;
        }

        await using var app = started;
        var http = app.Services.GetRequiredService<Http.KestrelEndpoints>().HttpAddresses.Select(a => a.ToString()).ToHashSet();
        var logger = app.Services.GetRequiredService<ILogger<AggregatorOptions>>();
        var options = app.Services.GetRequiredService<IOptions<AggregatorOptions>>().Value;
        Log.Listening(logger, string.Join(", ", app.Urls.Where(u => !http.Contains(u + "/"))),
            Storage.ReportStore.Describe(options) + (options.Store == StoreKind.Sqlite ? $" (SQLite {Storage.SqliteLibrary.Mode})" : string.Empty));
        if (http.Count > 0)
        {
            Log.DashboardListening(logger, string.Join(", ", http));
        }
        await app.WaitForShutdownAsync(cancellationToken);
        return 0;
    }
}
