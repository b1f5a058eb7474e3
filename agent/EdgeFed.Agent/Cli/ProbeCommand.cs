using System.CommandLine;
using EdgeFed.Agent.Collectors;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeFed.Agent.Cli;

/// <summary><c>edgefed-agent probe --host H [--port P] [--family F] [--timeout-ms T]</c>: poll one miner once, print the sample.</summary>
public static class ProbeCommand
{
    public static Command Create()
    {
        var command = new Command("probe", "Poll one miner once and print the normalised sample as JSON.");
        var host = new Option<string>("--host") { Description = "Miner address", Required = true };
        var port = new Option<int>("--port") { Description = "API port (4028 CGMiner-style RPC, 80 AxeOS)", DefaultValueFactory = _ => 4028 };
        var family = new Option<MinerFamily?>("--family") { Description = "Antminer, BraiinsOs, LuxOs, Avalon, Whatsminer, Bitaxe (default: detect)" };
        var timeout = new Option<int>("--timeout-ms") { Description = "Per-request timeout", DefaultValueFactory = _ => 5000 };
        command.Options.Add(host);
        command.Options.Add(port);
        command.Options.Add(family);
        command.Options.Add(timeout);
        command.SetAction((result, cancellationToken) => RunAsync(
            new MinerEndpoint(result.GetValue(host)!, result.GetValue(port), result.GetValue(family)), result.GetValue(timeout), cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(MinerEndpoint endpoint, int timeoutMs, CancellationToken cancellationToken)
    {
        using var collector = new MinerCollector(
            Options.Create(new PollOptions { RequestTimeout = TimeSpan.FromMilliseconds(timeoutMs) }), TimeProvider.System, NullLogger<MinerCollector>.Instance);
        var sample = await collector.PollAsync(endpoint, cancellationToken);
        Console.WriteLine(CliJson.Serialize(sample));
        foreach (var error in sample.Errors)
        {
            await Console.Error.WriteLineAsync($"edgefed-agent probe: {endpoint}: {error.Kind} ({error.Command}): {error.Message}");
        }

        return sample.State == MiningState.Unreachable ? 1 : 0;
    }
}
