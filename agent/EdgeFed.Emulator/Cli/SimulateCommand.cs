using System.CommandLine;
using EdgeFed.Agent.Cli;
using EdgeFed.Emulator;

namespace EdgeFed.Emulator.Cli;

/// <summary>
/// <c>edgefed-sim simulate --miners N [--seed S] [--base-address A] [--port P] [--http-port P] [--faulty F]
/// [--ramp-seconds R] [--duration-seconds D] [--manifest FILE] [--pools URL=W,...]</c>: an emulated farm on loopback.
/// </summary>
public static class SimulateCommand
{
    public static Command Create()
    {
        var command = new Command("simulate", "Start an emulated farm on loopback; print its manifest (JSON); run until Ctrl-C or --duration-seconds.");
        var miners = new Option<int>("--miners") { Description = "Number of miners", DefaultValueFactory = _ => 100 };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 1 };
        var address = new Option<string>("--base-address") { DefaultValueFactory = _ => "127.0.1.1" };
        var port = new Option<int>("--port") { Description = "CGMiner RPC port (0: a free one per miner)", DefaultValueFactory = _ => 4028 };
        var httpPort = new Option<int>("--http-port") { Description = "AxeOS HTTP port for Bitaxes", DefaultValueFactory = _ => 8080 };
        var faulty = new Option<double>("--faulty") { Description = "Share of miners with a fault", DefaultValueFactory = _ => 0.15 };
        var ramp = new Option<int>("--ramp-seconds") { Description = "How long faults take to develop", DefaultValueFactory = _ => 300 };
        var duration = new Option<int>("--duration-seconds") { Description = "Stop after this long (0: until Ctrl-C)", DefaultValueFactory = _ => 0 };
        var manifest = new Option<string?>("--manifest") { Description = "Also write the manifest to this file" };
        var pools = new Option<string?>("--pools") { Description = "Pool mix: stratum+tcp://host:port=weight,... (default: a mix of the largest pools)" };
        foreach (var option in new Option[] { miners, seed, address, port, httpPort, faulty, ramp, duration, manifest, pools })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (result, cancellationToken) =>
        {
            var options = new FarmOptions
            {
                Miners = result.GetValue(miners), Seed = result.GetValue(seed), BaseAddress = result.GetValue(address)!, Port = result.GetValue(port),
                HttpPort = result.GetValue(httpPort), FaultyFraction = result.GetValue(faulty), Ramp = TimeSpan.FromSeconds(result.GetValue(ramp)),
            };
            try
            {
                options.Pools = FarmPlanner.ParsePools(result.GetValue(pools));
            }
            catch (FormatException ex)
            {
                await Console.Error.WriteLineAsync($"edgefed-sim simulate: --pools: {ex.Message}");
                return 2;
            }

            return await RunAsync(options, result.GetValue(duration), result.GetValue(manifest), cancellationToken);
        });
        return command;
    }

    public static async Task<int> RunAsync(FarmOptions options, int durationSeconds, string? manifestPath, CancellationToken cancellationToken)
    {
        await using var farm = FarmEmulator.Start(FarmPlanner.Plan(options), options, TimeProvider.System);
        var manifest = SimJson.Serialize(farm.Miners.Select(m => new FarmManifestEntry(
            m.Endpoint.Host, m.Endpoint.Port, m.Miner.Family, m.Miner.Model.Name, m.Miner.PoolUrl, m.Miner.Behaviours)));
        if (manifestPath is not null)
        {
            await File.WriteAllTextAsync(manifestPath, manifest, cancellationToken);
        }

        Console.WriteLine(manifest);
        await Console.Error.WriteLineAsync($"edgefed-sim simulate: {farm.Miners.Count} miners listening; Ctrl-C to stop.");
        try
        {
            await Task.Delay(durationSeconds > 0 ? TimeSpan.FromSeconds(durationSeconds) : Timeout.InfiniteTimeSpan, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }

        return 0;
    }
}

/// <summary>One line of a farm manifest: where a miner answers and what it is (no pool user: it identifies an account).</summary>
public sealed record FarmManifestEntry(string Host, int Port, EdgeFed.Agent.Collectors.MinerFamily Family, string Model, string PoolUrl, IReadOnlyList<Behaviour> Behaviours);
