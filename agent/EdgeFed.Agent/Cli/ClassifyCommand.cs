using System.CommandLine;
using EdgeFed.Agent.Attribution;
using EdgeFed.Agent.Collectors;
using EdgeFed.Agent.Features;
using EdgeFed.Agent.Inference;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeFed.Agent.Cli;

/// <summary>
/// <c>edgefed-agent classify --family antminer|whatsminer|avalon|bitaxe|FAMILY|auto --stats FILE [--summary FILE] [--pools FILE]
/// [--reply NAME=FILE ...] [--models DIR] [--catalog FILE]</c>: run the models on saved replies (one reply, or a JSON array of consecutive ones)
/// and print <c>{"model","vendor","health","decidedBy","probabilities",...}</c>. Fewer than six replies stand for a
/// steady window (the earliest repeated). Exit 2 on unreadable input or models.
/// </summary>
public static class ClassifyCommand
{
    public static Command Create()
    {
        var family = new Option<string>("--family") { DefaultValueFactory = _ => "auto" };
        var named = Enum.GetNames<MinerFamily>().Where(n => n != nameof(MinerFamily.Unknown)).Select(n => n.ToLowerInvariant()).ToArray();
        family.AcceptOnlyFromAmong([.. named, "auto"]);
        var extra = new Option<string[]>("--reply")
        {
            Description = "A further reply a family reads, NAME=FILE (e.g. capabilities=capabilities.json for ePIC; see README)",
            AllowMultipleArgumentsPerToken = true,
        };
        var stats = new Option<string>("--stats") { Description = "Main reply: stats (Antminer, LuxOS, Avalon), devs (Whatsminer), system info (Bitaxe)", Required = true };
        var summary = new Option<string?>("--summary") { Description = "The summary reply" };
        var pools = new Option<string?>("--pools") { Description = "The pools reply (for the pool)" };
        var models = new Option<string?>("--models") { Description = "Folder with the .onnx models and cards (default: the agent's)" };
        var catalog = new Option<string?>("--catalog") { Description = "Pool catalogue (default: built in)" };
        var command = new Command("classify", "Run the on-device models on saved miner replies (JSON).") { family, stats, summary, pools, extra, models, catalog };
        command.SetAction(async (result, cancellationToken) =>
        {
            try
            {
                var kind = result.GetValue(family) switch
                {
                    "auto" or "antminer" => (MinerFamily?)null, // antminer: stock or LuxOS, told apart by the reply
                    var f => Enum.Parse<MinerFamily>(f!, ignoreCase: true),
                };
                var extras = (result.GetValue(extra) ?? []).Select(e => e.Split('=', 2)).ToDictionary(
                    p => p.Length == 2 && p[0].Length > 0 ? p[0] : throw new IOException($"--reply '{string.Join('=', p)}' is not NAME=FILE."), p => p[1]);
                var samples = ReplyFiles.Parse(kind, result.GetValue(stats)!, result.GetValue(summary), result.GetValue(pools), extras);
                var window = Enumerable.Repeat(samples[0], Math.Max(0, MinerFeatures.WindowSize - samples.Count)).Concat(samples.TakeLast(MinerFeatures.WindowSize)).ToList();
                var inference = new InferenceOptions();
                if (result.GetValue(models) is { } dir)
                {
                    inference.Directory = Path.GetFullPath(dir);
                }

                using var set = new ModelSet(Options.Create(inference), LoggerFactory.Create(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning)).CreateLogger<ModelSet>());
                if (set.All.FirstOrDefault(m => m.Error is not null) is { } broken)
                {
                    await Console.Error.WriteLineAsync($"edgefed-agent classify: {broken.Error}");
                    return 2;
                }

                var classification = new MinerClassifier(set).Classify([window])[0];
                var pool = new PoolUrlResolver(AttributionOutput.Catalog(result.GetValue(catalog))).Resolve(window[^1].PoolUrl);
                Console.WriteLine(CliJson.Serialize(new ClassifyJson(
                    classification.Model, classification.Vendor, classification.Health, classification.DecidedBy, classification.Probabilities,
                    classification.ModelDecidedBy, classification.ModelProbability, classification.Confidence, pool.Slug, window[^1].Family)));
                return 0;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or PollException or System.Text.Json.JsonException or Attribution.Bitcoin.DecodeException)
            {
                await Console.Error.WriteLineAsync($"edgefed-agent classify: {ex.Message}");
                return 2;
            }
        });
        return command;
    }
}
