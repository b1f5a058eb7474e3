using System.Diagnostics;
using System.Text.Json;
using EdgeFed.Agent.Features;
using EdgeFed.Agent.Inference;

namespace EdgeFed.Benchmarks;

/// <summary>
/// ONNX Runtime cost of each committed model per row (a miner, or a coinbase), at batch 1 and batch 1000, with one
/// intra-op thread as on a Pi; rows are the golden inputs.
/// </summary>
internal static class InferenceBenchmark
{
    public static void Run()
    {
        var root = FindRoot();
        // The version of the native library loaded, not a number written here (it had said 1.29.0 after the move to 1.31.1).
        Console.WriteLine($"Inference (ONNX Runtime {Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetVersionString()}, IntraOpNumThreads 1)");
        Console.WriteLine("| model | batch | runs | µs per row |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (name, width) in new[] { ("miner-health", MinerFeatures.Names.Count), ("miner-model", HardwareFeatures.Names.Count), ("pool-fallback", CoinbaseFeatures.Names.Count) })
        {
            Measure(root, name, width);
        }
    }

    private static void Measure(string root, string name, int width)
    {
        var golden = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "models", $"{name}.golden.json"))).RootElement;
        var rows = golden.GetProperty("inputs").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();
        using var model = new OnnxClassifier(Path.Combine(root, "models", $"{name}.onnx"), width, intraOpThreads: 1);
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

            Console.WriteLine($"| {name} | {batch} | {runs} | {watch.Elapsed.TotalMicroseconds / runs / batch:F2} |");
        }
    }

    internal static string FindRoot()
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
