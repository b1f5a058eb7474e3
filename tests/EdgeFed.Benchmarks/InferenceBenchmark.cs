using System.Diagnostics;
using System.Text.Json;
using EdgeFed.Agent.Features;
using EdgeFed.Agent.Inference;

namespace EdgeFed.Benchmarks;

/// <summary>ONNX Runtime cost of the committed miner-health model per miner, at batch 1 and batch 1000 (one intra-op thread, as on a Pi).</summary>
internal static class InferenceBenchmark
{
    public static void Run()
    {
        var root = FindRoot();
        var golden = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "models", "miner-health.golden.json"))).RootElement;
        var rows = golden.GetProperty("inputs").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();
        using var model = new OnnxClassifier(Path.Combine(root, "models", "miner-health.onnx"), MinerFeatures.Names.Count, intraOpThreads: 1);

        Console.WriteLine("miner-health inference (ONNX Runtime 1.29.0, IntraOpNumThreads 1)");
        Console.WriteLine("| batch | runs | µs per miner |");
        Console.WriteLine("|---:|---:|---:|");
        foreach (var (batch, runs) in new[] { (1, 20_000), (1000, 200) })
        {
            var input = Enumerable.Range(0, batch).SelectMany(i => rows[i % rows.Length]).ToArray();
            for (var i = 0; i < Math.Max(50, runs / 20); i++)
            {
                model.Predict(input, batch); // warm-up
            }

            var watch = Stopwatch.StartNew();
            for (var i = 0; i < runs; i++)
            {
                model.Predict(input, batch);
            }

            Console.WriteLine($"| {batch} | {runs} | {watch.Elapsed.TotalMicroseconds / runs / batch:F2} |");
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EdgeFed.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("EdgeFed.sln not found.");
    }
}
