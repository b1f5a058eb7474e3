using System.CommandLine;
using EdgeFed.Aggregator.Extensions;
using Microsoft.AspNetCore.Builder;
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
        await using var app = builder.Build().MapAggregator();
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync($"edgefed-aggregator: invalid configuration: {string.Join("; ", ex.Failures)}");
            return 2;
        }
        catch (Exception ex) when (Storage.ReportStore.IsStoreError(ex))
        {
            var store = Storage.ReportStore.Describe(app.Services.GetRequiredService<IOptions<AggregatorOptions>>().Value);
            await Console.Error.WriteLineAsync($"edgefed-aggregator: cannot open the store ({store}): {ex.Message}");
            return 2;
        }

        var http = app.Services.GetRequiredService<Http.KestrelEndpoints>().HttpAddresses.Select(a => a.ToString()).ToHashSet();
        var logger = app.Services.GetRequiredService<ILogger<AggregatorOptions>>();
        Log.Listening(logger, string.Join(", ", app.Urls.Where(u => !http.Contains(u + "/"))),
            Storage.ReportStore.Describe(app.Services.GetRequiredService<IOptions<AggregatorOptions>>().Value));
        if (http.Count > 0)
        {
            Log.DashboardListening(logger, string.Join(", ", http));
        }
        await app.WaitForShutdownAsync(cancellationToken);
        return 0;
    }
}
