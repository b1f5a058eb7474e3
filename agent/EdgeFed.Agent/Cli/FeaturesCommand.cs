using System.CommandLine;
using EdgeFed.Agent.Emulator;
using EdgeFed.Agent.Features;

namespace EdgeFed.Agent.Cli;

/// <summary>
/// <c>edgefed-agent features health --out FILE [--miners N] [--polls K] [--seed S] [--faulty F] [--base-address A]</c>:
/// the miner-health training set from an emulated farm polled over loopback (CSV).
/// </summary>
public static class FeaturesCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "CSV file to write", Required = true };
        var miners = new Option<int>("--miners") { DefaultValueFactory = _ => 400 };
        var polls = new Option<int>("--polls") { DefaultValueFactory = _ => 12 };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 1 };
        var faulty = new Option<double>("--faulty") { DefaultValueFactory = _ => 0.6 };
        var address = new Option<string>("--base-address") { DefaultValueFactory = _ => "127.90.1.1" };
        var health = new Command("health", "Write the miner-health training set.") { output, miners, polls, seed, faulty, address };
        health.SetAction(async (result, cancellationToken) =>
        {
            var options = new FarmOptions
            {
                Miners = result.GetValue(miners), Seed = result.GetValue(seed), FaultyFraction = result.GetValue(faulty),
                BaseAddress = result.GetValue(address)!, Port = 0, HttpPort = 0, Ramp = TimeSpan.FromSeconds(4),
            };
            StreamWriter writer;
            try
            {
                writer = new StreamWriter(result.GetValue(output)!);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"edgefed-agent features health: {ex.Message}");
                return 2;
            }

            await using var _ = writer;
            var rows = await TrainingSetWriter.WriteHealthAsync(writer, options, result.GetValue(polls), cancellationToken);
            await Console.Error.WriteLineAsync($"edgefed-agent features health: {rows} rows written to {result.GetValue(output)}");
            return 0;
        });
        return new Command("features", "Write training sets from emulated farms.") { health };
    }
}
