using EdgeFed.Emulator;
using EdgeFed.Agent.Extensions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeFed.Aggregator.Tests;

/// <summary>An emulated farm with its manifest file, and an agent host (the `run` wiring) polling it.</summary>
internal static class TestFarm
{
    public static async Task<(FarmEmulator Farm, string Manifest)> StartAsync(
        string directory, int miners, int seed, string baseAddress, double faulty = 0.15, Func<MinerPlan, MinerPlan>? adjust = null)
    {
        var options = new FarmOptions { Miners = miners, Seed = seed, FaultyFraction = faulty, BaseAddress = baseAddress, Port = 0, HttpPort = 0, V3Port = 0, GrpcPort = 0, Ramp = TimeSpan.FromSeconds(2) };
        var farm = FarmEmulator.Start(FarmPlanner.Plan(options).Select(adjust ?? (p => p)).ToList(), options, TimeProvider.System);
        var manifest = Path.Combine(directory, $"farm-{seed}.json");
        await File.WriteAllTextAsync(manifest, EdgeFed.Emulator.Cli.SimJson.Serialize(farm.Miners.Select(m => new { m.Endpoint.Host, m.Endpoint.Port, m.Miner.Family })));
        return (farm, manifest);
    }

    /// <summary>An agent host named <paramref name="agentId"/> reporting to <paramref name="aggregator"/>, its log kept in <paramref name="log"/>.</summary>
    public static IHost Agent(string agentId, Uri aggregator, string stateDirectory, string manifest, Dictionary<string, string?> settings, CollectingLoggerProvider? log = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        if (log is not null)
        {
            builder.Logging.AddProvider(log);
        }

        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agent:AgentId"] = agentId, ["Agent:Region"] = "CA", ["Agent:AggregatorUrl"] = aggregator.ToString(),
            ["Agent:EnrolmentToken"] = AggregatorHost.Token, ["Agent:StateDirectory"] = stateDirectory,
            ["Agent:Polling:ManifestFile"] = manifest, ["Agent:Polling:RequestTimeout"] = "00:00:00.500",
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddEdgeAgent();
        return builder.Build();
    }
}
