using System.CommandLine;
using System.Text;
using EdgeFed.Agent.Cli;
using EdgeFed.Agent.Attribution;
using EdgeFed.Agent.Attribution.Bitcoin;
using EdgeFed.Emulator;
using EdgeFed.Protocol.Domain;

namespace EdgeFed.Emulator.Cli;

/// <summary>
/// <c>edgefed-sim simulate-node --blocks FILE [--last N] [--interval-ms M] [--catalog F] [--user U] [--password P]
/// [--manifest FILE] [--duration-seconds D] [--difficulty D]</c>: a Bitcoin Core JSON-RPC emulator on 127.0.0.1 that
/// mines the last N real block labels (<c>height,pool_slug,date</c>, gzip or plain) one every M ms, each coinbase
/// carrying its pool's catalogue tag (an unknown pool's none). Block times are the chain's rhythm, 600 s apart, ending
/// now; the labels carry no difficulty, so every block gets <c>--difficulty</c> (a 2026-scale figure by default).
/// Prints <c>{"url","user","password"}</c>.
/// </summary>
public static class SimulateNodeCommand
{
    public static Command Create()
    {
        var blocks = new Option<string>("--blocks") { Description = "height,pool_slug,date CSV (gzip or plain)", Required = true };
        var last = new Option<int>("--last") { Description = "Replay the last N labels", DefaultValueFactory = _ => 144 };
        var interval = new Option<int>("--interval-ms") { Description = "One block every M ms", DefaultValueFactory = _ => 200 };
        var catalog = new Option<string?>("--catalog") { Description = "Pool catalogue (default: built in)" };
        var user = new Option<string>("--user") { DefaultValueFactory = _ => "edgefed" };
        var password = new Option<string>("--password") { DefaultValueFactory = _ => "edgefed-node" };
        var manifest = new Option<string?>("--manifest") { Description = "Also write {url,user,password} to this file" };
        var duration = new Option<int>("--duration-seconds") { Description = "Stop after this long (0: until Ctrl-C)", DefaultValueFactory = _ => 0 };
        var difficulty = new Option<double>("--difficulty") { Description = "Difficulty of every block (getblock's field)", DefaultValueFactory = _ => 1.4e14 };
        var command = new Command("simulate-node", "Emulate a Bitcoin Core node mining real block labels.")
        {
            blocks, last, interval, catalog, user, password, manifest, duration, difficulty,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            List<(int Height, string Pool)> labels;
            PoolCatalog pools;
            try
            {
                labels = BlockLabels.Read(result.GetValue(blocks)!).Select(b => (b.Height, b.Pool)).TakeLast(result.GetValue(last)).ToList();
                pools = AttributionOutput.Catalog(result.GetValue(catalog));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or InvalidDataException or DecodeException)
            {
                await Console.Error.WriteLineAsync($"edgefed-sim simulate-node: {ex.Message}");
                return 2;
            }

            await using var node = await BitcoinRpcEmulator.StartAsync(result.GetValue(user)!, result.GetValue(password)!, labels.FirstOrDefault().Height);
            var json = SimJson.Serialize(new { Url = node.Url.ToString(), User = result.GetValue(user), Password = result.GetValue(password), Blocks = labels.Count });
            if (result.GetValue(manifest) is { } path)
            {
                await File.WriteAllTextAsync(path, json, cancellationToken);
            }

            Console.WriteLine(json);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (result.GetValue(duration) > 0)
            {
                stop.CancelAfter(TimeSpan.FromSeconds(result.GetValue(duration)));
            }

            var random = new Random(labels.Count);
            try
            {
                for (var i = 0; i < labels.Count; i++)
                {
                    var (scriptSig, outputs) = Coinbase(labels[i].Height, pools.Pools.FirstOrDefault(p => p.Slug == labels[i].Pool), random);
                    node.Mine(scriptSig, outputs, DateTimeOffset.UtcNow.AddSeconds(-600.0 * (labels.Count - i)), result.GetValue(difficulty), 1 + random.Next(1500, 4500));
                    await Task.Delay(result.GetValue(interval), stop.Token);
                }

                await Console.Error.WriteLineAsync($"edgefed-sim simulate-node: {labels.Count} blocks mined; serving until stopped.");
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
            catch (OperationCanceledException)
            {
            }

            return 0;
        });
        return command;
    }

    /// <summary>A coinbase as the pool's template would make it: BIP34 height, its first catalogue tag, extranonce space; one payout.</summary>
    private static (byte[] ScriptSig, IReadOnlyList<TxOutput> Outputs) Coinbase(int height, PoolEntry? pool, Random random)
    {
        var tag = pool?.Tags.FirstOrDefault() is { } t ? Encoding.UTF8.GetBytes(t) : [];
        var extranonce = new byte[8];
        random.NextBytes(extranonce);
        byte[] scriptSig = [0x03, (byte)height, (byte)(height >> 8), (byte)(height >> 16), .. tag, .. extranonce];
        var key = new byte[20];
        random.NextBytes(key);
        return (scriptSig, [new TxOutput(312_500_000, [0x76, 0xa9, 0x14, .. key, 0x88, 0xac]), new TxOutput(0, [0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed, .. new byte[32]])]);
    }
}
