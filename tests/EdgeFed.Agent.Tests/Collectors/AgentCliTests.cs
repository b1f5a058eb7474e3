using System.Diagnostics;
using System.Text.Json;
using EdgeFed.Agent.Tests.Collectors;
using Xunit;

namespace EdgeFed.Agent.Tests.Collectors;

/// <summary>The built edgefed-agent as other tools call it: probe, simulate and poll, as separate processes.</summary>
public sealed class AgentCliTests
{
    private static string Agent => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "EdgeFed.Agent",
        new DirectoryInfo(AppContext.BaseDirectory).Name, "edgefed-agent"));

    private static string Simulator => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "EdgeFed.Emulator",
        new DirectoryInfo(AppContext.BaseDirectory).Name, "edgefed-sim"));

    [Fact]
    public async Task Probe_PrintsTheNormalisedSample_WithTheContractKeys()
    {
        await using var miner = new ReplayMinerServer(new Dictionary<string, string>
        {
            ["stats"] = "antminer/v2020/stats.json", ["summary"] = "antminer/v2020/summary.json",
            ["pools"] = "antminer/v2020/pools.json", ["version"] = "antminer/v2020/version.json",
        }, Spoil.TrailingNul);

        var (exit, output) = await ProcessRunner.RunAsync(Agent, ["probe", "--host", "127.0.0.1", "--port", miner.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromMinutes(1));

        Assert.True(exit == 0, output);
        var sample = JsonDocument.Parse(output).RootElement;
        foreach (var key in new[] { "family", "vendor", "model", "state", "hashrateThs", "nominalThs", "powerW", "boards", "fansRpm", "poolUrl", "errors" })
        {
            Assert.True(sample.TryGetProperty(key, out _), $"missing {key}");
        }

        Assert.Equal("Antminer", sample.GetProperty("family").GetString());
        Assert.Equal(JsonValueKind.Null, sample.GetProperty("powerW").ValueKind);
        var board = sample.GetProperty("boards")[0];
        Assert.Equal(114, board.GetProperty("chips").GetInt32());
        Assert.Equal(114, board.GetProperty("expectedChips").GetInt32());
        Assert.Equal(78, board.GetProperty("chipTempC").GetDouble());
        Assert.Equal("stratum+tcp://btc.global.luxor.tech:700", sample.GetProperty("poolUrl").GetString());
        Assert.DoesNotContain("satokierepair", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_OfANonexistentMiner_ExitsNonZero_WithTheErrorOnStderr()
    {
        var (exit, output) = await ProcessRunner.RunAsync(Agent, ["probe", "--host", "127.0.0.1", "--port", "1", "--family", "Whatsminer"], TimeSpan.FromMinutes(1));

        Assert.Equal(1, exit);
        Assert.Contains("ConnectionRefused", output, StringComparison.Ordinal);
        Assert.Contains("\"state\": \"Unreachable\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulate_ThenPoll_PrintsAPerFamilySummary()
    {
        var manifest = Path.Combine(Directory.CreateTempSubdirectory("edgefed-farm-").FullName, "farm.json");
        var info = new ProcessStartInfo(Simulator) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "simulate", "--miners", "60", "--seed", "5", "--base-address", "127.78.1.1", "--port", "0", "--http-port", "0", "--faulty", "0", "--duration-seconds", "90", "--manifest", manifest })
        {
            info.ArgumentList.Add(arg);
        }

        using var farm = Process.Start(info)!;
        try
        {
            for (var waited = 0; !File.Exists(manifest) && waited < 300; waited++)
            {
                await Task.Delay(100);
            }

            var (exit, output) = await ProcessRunner.RunAsync(Agent, ["poll", "--manifest", manifest, "--detect", "--timeout-ms", "3000"], TimeSpan.FromMinutes(2));

            Assert.True(exit == 0, output);
            var families = JsonDocument.Parse(output).RootElement.GetProperty("families").EnumerateArray().ToList();
            Assert.Equal(60, families.Sum(f => f.GetProperty("miners").GetInt32()));
            Assert.Equal(60, families.Sum(f => f.GetProperty("mining").GetInt32()));
            Assert.DoesNotContain(families, f => f.GetProperty("family").GetString() == "Unknown");
            Assert.True(families.Count >= 4, output);
        }
        finally
        {
            farm.Kill(entireProcessTree: true);
        }
    }

    [Theory]
    [InlineData("poll", "--manifest", "/nonexistent/farm.json")]
    [InlineData("poll", "--targets", "127.0.0.1:notaport")]
    public async Task BadArguments_ExitTwo_WithAMessage_NotAStackTrace(params string[] args)
    {
        var (exit, output) = await ProcessRunner.RunAsync(Agent, args, TimeSpan.FromMinutes(1));

        Assert.Equal(2, exit);
        Assert.StartsWith("edgefed-agent ", output.Trim(), StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Features_IntoAnUnwritableFolder_ExitsTwo_WithAMessage()
    {
        var (exit, output) = await ProcessRunner.RunAsync(Simulator, ["features", "--out", "/proc/edgefed-no-such-dir", "--miners", "2", "--polls", "1"],
            TimeSpan.FromMinutes(1));

        Assert.Equal(2, exit);
        Assert.Contains("edgefed-sim features: ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
    }
}
