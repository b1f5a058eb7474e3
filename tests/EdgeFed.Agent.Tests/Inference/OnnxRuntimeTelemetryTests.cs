using EdgeFed.Agent.Tests.Collectors;
using Xunit;

namespace EdgeFed.Agent.Tests.Inference;

/// <summary>
/// ONNX Runtime's 1DS telemetry stays off: a process that ran the models (the build and the board bundle) leaves no
/// device id or event cache in its home, where ONNX Runtime 1.31 left <c>.cache/Microsoft/DeveloperTools/.onnxruntime</c>.
/// </summary>
public sealed class OnnxRuntimeTelemetryTests
{
    [Fact]
    public async Task TheBuild_RunsTheModels_AndLeavesNoTelemetryBehind() =>
        await AssertNoTelemetryAsync(Path.Combine(AppContext.BaseDirectory, "..", "..", "EdgeFed.Agent", new DirectoryInfo(AppContext.BaseDirectory).Name, "edgefed-agent"));

    [Fact]
    public async Task TheX64Bundle_RunsTheModels_AndLeavesNoTelemetryBehind()
    {
        var bundle = await BoardPackages.ExtractAsync("linux-x64");
        try
        {
            await AssertNoTelemetryAsync(Path.Combine(bundle, "edgefed-agent"));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(bundle)!, recursive: true);
        }
    }

    private static async Task AssertNoTelemetryAsync(string agent)
    {
        var home = Directory.CreateTempSubdirectory("edgefed-home-").FullName;
        try
        {
            var replies = Path.Combine(RealReplies.Root, "antminer", "v2020");
            var (exit, stdout, stderr) = await ProcessRunner.RunSplitAsync(agent,
                ["classify", "--family", "antminer", "--stats", Path.Combine(replies, "stats.json"), "--summary", Path.Combine(replies, "summary.json")],
                TimeSpan.FromMinutes(1), new Dictionary<string, string> { ["HOME"] = home, ["XDG_CACHE_HOME"] = Path.Combine(home, ".cache") });

            Assert.True(exit == 0, stderr);
            Assert.Contains("\"decidedBy\": \"model\"", stdout, StringComparison.Ordinal);
            Assert.Empty(Directory.EnumerateFileSystemEntries(home, "*", SearchOption.AllDirectories));
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }
}
