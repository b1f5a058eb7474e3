using System.CommandLine;
using EdgeFed.Agent.Extensions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EdgeFed.Agent.Cli;

/// <summary><c>edgefed-agent run [--Agent:Key=value ...]</c>: the agent service (Generic Host worker).</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var command = new Command("run", "Run the agent service.") { TreatUnmatchedTokensAsErrors = false };
        command.SetAction((result, cancellationToken) => RunAsync([.. result.UnmatchedTokens], cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(string[] hostArgs, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = hostArgs,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddEnvironmentVariables("EDGEFED_");
        builder.Configuration.AddCommandLine(hostArgs);
        builder.AddEdgeAgent();
        using var host = builder.Build();
        try
        {
            await host.RunAsync(cancellationToken);
        }
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync($"edgefed-agent: invalid configuration: {string.Join("; ", ex.Failures)}");
            return 2;
        }

        return Environment.ExitCode;
    }
}
