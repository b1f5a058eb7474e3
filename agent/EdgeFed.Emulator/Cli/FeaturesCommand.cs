using System.CommandLine;
using EdgeFed.Agent.Attribution;
using EdgeFed.Emulator;
using EdgeFed.Emulator.Training;

namespace EdgeFed.Emulator.Cli;

/// <summary>
/// <c>edgefed-sim features --out DIR [--miners N] [--polls K] [--seed S] [--faulty F] [--base-address A] [--data DIR] [--catalog F]</c>:
/// the training sets (emulated farm over loopback, synthetic coinbase layouts) and the real evaluation sets, as CSV.
/// </summary>
public static class FeaturesCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Folder for the CSV files", Required = true };
        var miners = new Option<int>("--miners") { DefaultValueFactory = _ => 400 };
        var polls = new Option<int>("--polls") { DefaultValueFactory = _ => 30 };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 3 };
        var faulty = new Option<double>("--faulty") { DefaultValueFactory = _ => 0.6 };
        var address = new Option<string>("--base-address") { DefaultValueFactory = _ => "127.90.1.1" };
        var data = new Option<string>("--data") { Description = "The shared data folder", DefaultValueFactory = _ => Path.Combine("..", "shared", "data") };
        var catalog = new Option<string?>("--catalog") { Description = "Pool catalogue (default: DATA/pools/pool-list.json)" };
        var command = new Command("features", "Write the models' training and evaluation sets.") { output, miners, polls, seed, faulty, address, data, catalog };
        command.SetAction(async (result, cancellationToken) =>
        {
            var folder = result.GetValue(output)!;
            var dataRoot = result.GetValue(data)!;
            try
            {
                Directory.CreateDirectory(folder);
                var pools = PoolCatalog.Load(result.GetValue(catalog) ?? Path.Combine(dataRoot, "pools", "pool-list.json"));
                var farm = new FarmOptions
                {
                    Miners = result.GetValue(miners), Seed = result.GetValue(seed), FaultyFraction = result.GetValue(faulty),
                    BaseAddress = result.GetValue(address)!, Port = 0, HttpPort = 0, V3Port = 0, GrpcPort = 0, Ramp = TimeSpan.FromMinutes(2),
                };
                await using var health = new StreamWriter(Path.Combine(folder, "health.csv"));
                await using var hardware = new StreamWriter(Path.Combine(folder, "hardware.csv"));
                var (healthRows, hardwareRows) = await TrainingSetWriter.WriteEmulatedAsync(health, hardware, farm, result.GetValue(polls), cancellationToken);
                await using var layouts = new StreamWriter(Path.Combine(folder, "pools.csv"));
                var poolRows = await TrainingSetWriter.WritePoolLayoutsAsync(layouts, pools, perPool: 400, result.GetValue(seed));
                await using var realHealth = new StreamWriter(Path.Combine(folder, "real-health.csv"));
                await using var realHardware = new StreamWriter(Path.Combine(folder, "real-hardware.csv"));
                await TrainingSetWriter.WriteRealRepliesAsync(realHealth, realHardware, Path.Combine(dataRoot, "miner-api"));
                await using var realPools = new StreamWriter(Path.Combine(folder, "real-pools.csv"));
                var realPoolRows = await TrainingSetWriter.WriteRealCoinbasesAsync(realPools, Path.Combine(dataRoot, "blocks", "coinbase-sample.jsonl"), pools);
                await Console.Error.WriteLineAsync(
                    $"edgefed-sim features: {healthRows} health, {hardwareRows} hardware, {poolRows} pool-layout rows; {RealReplyLabels.All.Count} real replies, {realPoolRows} real coinbases; in {folder}");
                return 0;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or System.Text.Json.JsonException or EdgeFed.Agent.Attribution.Bitcoin.DecodeException or EdgeFed.Agent.Collectors.PollException)
            {
                await Console.Error.WriteLineAsync($"edgefed-sim features: {ex.Message}");
                return 2;
            }
        });
        return command;
    }
}
