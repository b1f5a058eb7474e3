using System.Text.Json;
using EdgeFed.Agent.Tests.Collectors;
using Xunit;

namespace EdgeFed.Agent.Tests.Inference;

/// <summary><c>edgefed-agent classify</c> as scripts call it: the JSON contract on real replies, and clear errors.</summary>
public sealed class ClassifyCliTests
{
    private static string Agent => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "EdgeFed.Agent",
        new DirectoryInfo(AppContext.BaseDirectory).Name, "edgefed-agent"));

    private static string Real(string relative) => Path.Combine(RealReplies.Root, relative);

    [Fact]
    public async Task Classify_RealAntminerReplies_PrintsTheContract()
    {
        var (exit, output) = await ProcessRunner.RunAsync(Agent,
            ["classify", "--family", "antminer", "--stats", Real("antminer/v2020/stats.json"), "--summary", Real("antminer/v2020/summary.json"), "--pools", Real("antminer/v2020/pools.json")],
            TimeSpan.FromSeconds(60));

        Assert.Equal(0, exit);
        var json = JsonDocument.Parse(output).RootElement;
        Assert.Equal("Antminer S19 Pro", json.GetProperty("model").GetString());
        Assert.Equal("Bitmain", json.GetProperty("vendor").GetString());
        Assert.Equal("healthy", json.GetProperty("health").GetString());
        Assert.Equal("model", json.GetProperty("decidedBy").GetString());
        Assert.Equal("reported", json.GetProperty("modelDecidedBy").GetString());
        Assert.Equal("luxor", json.GetProperty("pool").GetString());
        var probabilities = json.GetProperty("probabilities").EnumerateObject().ToList();
        Assert.Equal(7, probabilities.Count);
        Assert.InRange(probabilities.Sum(p => p.Value.GetSingle()), 0.999f, 1.001f);
    }

    [Fact]
    public async Task Classify_SoftOffAvalon_IsCurtailedByRule()
    {
        var (exit, output) = await ProcessRunner.RunAsync(Agent, ["classify", "--family", "auto", "--stats", Real("avalonminer/stats.json")], TimeSpan.FromSeconds(60));

        Assert.Equal(0, exit);
        var json = JsonDocument.Parse(output).RootElement;
        Assert.Equal(("curtailed", "rule"), (json.GetProperty("health").GetString(), json.GetProperty("decidedBy").GetString()));
    }

    [Fact]
    public async Task Classify_AnArrayOfConsecutiveReplies_ClassifiesTheWindow()
    {
        var file = Path.GetTempFileName();
        var reply = File.ReadAllText(Real("bitaxe/v2_0_0/system_info.json"));
        await File.WriteAllTextAsync(file, $"[{reply},{reply},{reply}]");
        try
        {
            var (exit, output) = await ProcessRunner.RunAsync(Agent, ["classify", "--family", "bitaxe", "--stats", file], TimeSpan.FromSeconds(60));

            Assert.Equal(0, exit);
            Assert.Equal("Bitaxe Supra", JsonDocument.Parse(output).RootElement.GetProperty("model").GetString());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Classify_AFamilyWithSeveralReplies_TakesThemAsNamedExtras()
    {
        var (exit, output) = await ProcessRunner.RunAsync(Agent, ["classify", "--stats", Real("sealminer/v2025/stats.json"), "--summary", Real("sealminer/v2025/summary.json"),
            "--pools", Real("sealminer/v2025/pools.json"), "--reply", "version=" + Real("sealminer/v2025/version.json")], TimeSpan.FromSeconds(60));
        var (epic, epicOutput) = await ProcessRunner.RunAsync(Agent, ["classify", "--family", "epic", "--stats", Real("epic/v1/summary.json"),
            "--reply", "capabilities=" + Real("epic/v1/capabilities.json"), "temps=" + Real("epic/v1/temps.json")], TimeSpan.FromSeconds(60));

        Assert.True(exit == 0, output);
        var sealminer = JsonDocument.Parse(output).RootElement;
        Assert.Equal(("SEALMINER A2", "Bitdeer", "healthy", "Sealminer"), (sealminer.GetProperty("model").GetString(), sealminer.GetProperty("vendor").GetString(),
            sealminer.GetProperty("health").GetString(), sealminer.GetProperty("family").GetString()));
        Assert.True(epic == 0, epicOutput);
        Assert.Equal("Antminer S19 XP", JsonDocument.Parse(epicOutput).RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public async Task Classify_UnreadableOrForeignReply_ExitsTwoWithAMessage()
    {
        var (missing, missingOutput) = await ProcessRunner.RunAsync(Agent, ["classify", "--stats", "/nonexistent/stats.json"], TimeSpan.FromSeconds(60));
        var (foreign, foreignOutput) = await ProcessRunner.RunAsync(Agent, ["classify", "--stats", Real("elphapex/v1/summary.json")], TimeSpan.FromSeconds(60));

        Assert.Equal(2, missing);
        Assert.Contains("/nonexistent/stats.json", missingOutput, StringComparison.Ordinal);
        Assert.Equal(2, foreign);
        Assert.Contains("not a reply of a family classify reads", foreignOutput, StringComparison.Ordinal);

        var (badExtra, badExtraOutput) = await ProcessRunner.RunAsync(Agent, ["classify", "--stats", Real("sealminer/v2025/stats.json"), "--reply", "version"], TimeSpan.FromSeconds(60));
        Assert.Equal(2, badExtra);
        Assert.Contains("--reply 'version' is not NAME=FILE", badExtraOutput, StringComparison.Ordinal);
    }
}
