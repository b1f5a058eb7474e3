using System.Diagnostics;
using System.Text.Json;
using Xunit;

namespace EdgeFed.Agent.Tests.Aggregation;

/// <summary>The built agent under a heap limit too small for its miner list: it says so at start, with the value to set.</summary>
public sealed class HeapLimitWarningTests
{
    private static string Agent => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "EdgeFed.Agent",
        new DirectoryInfo(AppContext.BaseDirectory).Name, "edgefed-agent"));

    [Fact]
    public async Task Run_WithMoreMinersThanTheHeapLimitFits_WarnsWithTheLimitToSet_AndKeepsPolling()
    {
        var dir = Directory.CreateTempSubdirectory("edgefed-heap-warning-").FullName;
        try
        {
            // 600 miners on a closed loopback port need 8 MiB + 600 × 16 KiB ≈ 17.4 MiB, above a 16 MiB limit.
            var manifest = Path.Combine(dir, "miners.json");
            await File.WriteAllTextAsync(manifest, JsonSerializer.Serialize(Enumerable.Repeat(new { host = "127.0.0.1", port = 9, family = "Antminer" }, 600)));
            var info = new ProcessStartInfo(Agent) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.Environment["DOTNET_GCHeapHardLimit"] = "0x1000000";
            info.Environment["DOTNET_GCRegionSize"] = "0x100000";
            foreach (var arg in new[]
            {
                "run", "--Agent:AgentId=heap", "--Agent:Region=CA", "--Agent:AggregatorUrl=http://127.0.0.1:9", "--Agent:EnrolmentToken=0123456789abcdef0123",
                $"--Agent:StateDirectory={Path.Combine(dir, "state")}", $"--Agent:Polling:ManifestFile={manifest}",
            })
            {
                info.ArgumentList.Add(arg);
            }

            using var process = Process.Start(info)!;
            _ = process.StandardError.ReadToEndAsync();
            var lines = new List<string>();
            using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            try
            {
                // The warning comes before the first cycle; the release logged after that cycle shows polling went on.
                while (lines.Count(l => l.Contains("[3314]", StringComparison.Ordinal)) < 2)
                {
                    var line = await process.StandardOutput.ReadLineAsync(limit.Token) ?? throw new InvalidOperationException("agent exited:\n" + string.Join('\n', lines));
                    lines.Add(line);
                }
            }
            finally
            {
                process.Kill(entireProcessTree: true);
            }

            var log = string.Join('\n', lines);
            Assert.Contains("[3315]", log);
            Assert.Contains("Polling 600 miners needs a managed heap of about 17 MiB, above the limit of 16 MiB: set DOTNET_GCHeapHardLimit=1200000", log);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
