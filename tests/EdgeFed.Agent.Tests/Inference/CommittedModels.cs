using System.Globalization;
using EdgeFed.Agent.Features;
using EdgeFed.Agent.Inference;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeFed.Agent.Tests.Inference;

/// <summary>The models committed in models/, loaded the way the agent loads them.</summary>
internal static class CommittedModels
{
    public static string Directory { get; } = Path.Combine(RepoPaths.Root, "models");

    public static IReadOnlyList<string> FeaturesOf(string model) => model switch
    {
        ModelSet.Health => MinerFeatures.Names,
        ModelSet.Hardware => HardwareFeatures.Names,
        _ => CoinbaseFeatures.Names,
    };

    public static ModelSet Load(string? directory = null) =>
        new(Options.Create(new InferenceOptions { Directory = directory ?? Directory }), NullLogger<ModelSet>.Instance);

    /// <summary>A training-set CSV as rows of (features, group, label).</summary>
    public static List<(float[] Features, string Group, string Label)> ReadCsv(string csv)
    {
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var header = lines[0].Split(',');
        var width = Array.FindIndex(header, h => h.StartsWith("meta_", StringComparison.Ordinal) || h == "group");
        return lines.Skip(1).Select(line => line.Split(',')).Select(cells => (
            cells[..width].Select(c => float.Parse(c, CultureInfo.InvariantCulture)).ToArray(), cells[^2], cells[^1])).ToList();
    }

    /// <summary>Argmax class of each row, predicted by one ONNX run over the whole batch.</summary>
    public static string[] Predict(ModelHandle model, IReadOnlyList<float[]> rows)
    {
        var output = model.Predict(rows.SelectMany(r => r).ToArray(), rows.Count)!;
        var classes = model.Card!.Classes;
        return Enumerable.Range(0, rows.Count).Select(i =>
        {
            var row = output.AsSpan(i * classes.Count, classes.Count);
            return classes[row.IndexOf(MaxOf(row))];
        }).ToArray();
    }

    private static float MaxOf(ReadOnlySpan<float> values)
    {
        var max = float.MinValue;
        foreach (var v in values)
        {
            max = Math.Max(max, v);
        }

        return max;
    }
}

/// <summary>The committed models, disposed with the test.</summary>
internal sealed class ModelSetHolder : IDisposable
{
    public EdgeFed.Agent.Inference.ModelSet Models { get; } = CommittedModels.Load();

    public void Dispose() => Models.Dispose();
}
