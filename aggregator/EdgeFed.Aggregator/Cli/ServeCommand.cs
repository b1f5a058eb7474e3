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
        var command = new Command("serve", "Run the aggregator service (gRPC over HTTP/2).") { TreatUnmatchedTokensAsErrors = false };
        var urls = new Option<string>("--urls") { Description = "Listen address(es), ASP.NET style; default " + DefaultUrl };
        command.Options.Add(urls);
        command.SetAction((result, cancellationToken) => RunAsync(result.GetValue(urls), [.. result.UnmatchedTokens], cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(string? urls, string[] hostArgs, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = hostArgs, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddEnvironmentVariables("EDGEFED_");
        builder.WebHost.UseUrls(urls ?? builder.Configuration["urls"] ?? DefaultUrl);
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

        var addresses = app.Urls;
        Log.Listening(app.Services.GetRequiredService<ILogger<AggregatorOptions>>(), string.Join(", ", addresses),
            Path.GetFullPath(app.Services.GetRequiredService<IOptions<AggregatorOptions>>().Value.DatabasePath));
        await app.WaitForShutdownAsync(cancellationToken);
        return 0;
    }
}
