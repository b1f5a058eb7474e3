using System.Runtime.Versioning;
using System.Text.Json;
using EdgeFed.Agent.Tests;
using EdgeFed.Agent.Tests.Collectors;
using EdgeFed.Protocol.V1;
using Xunit;

namespace EdgeFed.Aggregator.Tests;

/// <summary>
/// The linux-arm64 bundle on this x86 machine under Debian's qemu-user, as a Raspberry Pi 4 would run it: ONNX
/// Runtime's CPU detection reads /proc/cpuinfo, so a Pi's cpuinfo is bind-mounted over it in a private mount
/// namespace. It polls an emulated farm, classifies with the arm64 ONNX Runtime and gets its reports acknowledged by
/// the x64 aggregator; probe and classify print the same JSON as the x64 build. Without qemu the tests fail by name.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class Arm64SmokeTests
{
    private const string Qemu = "/usr/bin/qemu-aarch64";

    /// <summary>A Raspberry Pi 4's /proc/cpuinfo (two Cortex-A72 cores shown), the fields ONNX Runtime's CPU detection reads.</summary>
    private static readonly string PiCpuinfo = string.Concat(Enumerable.Range(0, 2).Select(core => $"""
        processor	: {core}
        BogoMIPS	: 108.00
        Features	: fp asimd evtstrm crc32 cpuid
        CPU implementer	: 0x41
        CPU architecture: 8
        CPU variant	: 0x0
        CPU part	: 0xd08
        CPU revision	: 3


        """)) + "Hardware\t: BCM2835\nModel\t\t: Raspberry Pi 4 Model B Rev 1.1\n";

    private static readonly string Replies = Path.Combine(RealReplies.Root, "antminer", "v2020");

    [Fact]
    public async Task Arm64Agent_PollsAFarm_ClassifiesOnArm64OnnxRuntime_AndIsAcknowledgedByTheX64Aggregator()
    {
        var emulate = await Arm64Async();
        var directory = System.IO.Directory.CreateTempSubdirectory("edgefed-arm64-").FullName;
        await using var aggregator = await AggregatorHost.StartAsync(minAgents: 1);
        var (farm, manifest) = await TestFarm.StartAsync(directory, miners: 12, seed: 64, "127.97.1.1", faulty: 0);
        await using var _ = farm;

        using var agent = AgentProcess.StartCommand("unshare", emulate([
            "run", "--Agent:AgentId=arm64-board", "--Agent:Region=GB", $"--Agent:AggregatorUrl={aggregator.Address}",
            $"--Agent:EnrolmentToken={AggregatorHost.Token}", $"--Agent:StateDirectory={Path.Combine(directory, "state")}",
            $"--Agent:Polling:ManifestFile={manifest}", "--Agent:Polling:Interval=00:00:03", "--Agent:Window=00:00:10", "--Agent:MaxReports=2"]));
        var exit = await agent.WaitForExitAsync(TimeSpan.FromMinutes(6));

        Assert.True(exit == 0, agent.Output);
        Assert.Contains("Model miner-health", agent.Output, StringComparison.Ordinal);
        Assert.Contains("Report 2 acknowledged", agent.Output, StringComparison.Ordinal);
        var agents = await aggregator.Client.ListAgentsAsync(new ListAgentsRequest());
        Assert.True(Assert.Single(agents.Agents, a => a.AgentId == "arm64-board").Reports >= 2);
        var models = await aggregator.Client.GetConcentrationAsync(new ConcentrationRequest { Dimension = Dimension.Model, Basis = Basis.Hashrate });
        Assert.True(models.Total > 0, "the arm64 agent's cells carry no hashrate");
        Assert.DoesNotContain(models.Shares, s => s.Entity == "unknown" && s.Share > 0.5);
        System.IO.Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task Arm64ProbeAndClassify_PrintTheSameJsonAsX64()
    {
        var emulate = await Arm64Async();
        await using var miner = new ReplayMinerServer(new Dictionary<string, string>
        {
            ["stats"] = "antminer/v2020/stats.json", ["summary"] = "antminer/v2020/summary.json",
            ["pools"] = "antminer/v2020/pools.json", ["version"] = "antminer/v2020/version.json",
        });
        string[] probe = ["probe", "--host", "127.0.0.1", "--port", miner.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        string[] classify = ["classify", "--family", "antminer", "--stats", Path.Combine(Replies, "stats.json"),
            "--summary", Path.Combine(Replies, "summary.json"), "--pools", Path.Combine(Replies, "pools.json")];

        foreach (var command in new[] { probe, classify })
        {
            var x64 = await ProcessRunner.RunSplitAsync(TestProcesses.Agent, command, TimeSpan.FromMinutes(2));
            var arm64 = await ProcessRunner.RunSplitAsync("unshare", emulate(command), TimeSpan.FromMinutes(4));

            Assert.True(arm64.ExitCode == 0, $"arm64 {command[0]}: {arm64.Stderr}");
            Assert.Equal(0, x64.ExitCode);
            Assert.Equal(Normalised(x64.Stdout), Normalised(arm64.Stdout));
        }
    }

    /// <summary>The JSON without the poll's <c>time</c> (when it ran differs from run to run; nothing else may).</summary>
    private static string Normalised(string json)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        node.Remove("time");
        return node.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>
    /// Extracts the arm64 bundle and returns how to run it: <c>unshare -m sh -c 'mount --bind PI_CPUINFO /proc/cpuinfo
    /// &amp;&amp; exec qemu-aarch64 -cpu cortex-a72 BUNDLE/edgefed-agent ARGS'</c>. Fails, naming what is missing, when
    /// qemu-user, the arm64 loader or the privilege for a mount namespace is not there.
    /// </summary>
    private static async Task<Func<IEnumerable<string>, string[]>> Arm64Async()
    {
        Assert.True(File.Exists(Qemu), $"Arm64 smoke test: {Qemu} not found. Install Debian's qemu-user (eng/test.sh does).");
        Assert.True(File.Exists("/lib/ld-linux-aarch64.so.1"),
            "Arm64 smoke test: the arm64 loader /lib/ld-linux-aarch64.so.1 is missing. Install Debian's arm64 libraries: " +
            "dpkg --add-architecture arm64; apt-get update; apt-get install libc6:arm64 libssl3:arm64 libstdc++6:arm64 libgcc-s1:arm64 zlib1g:arm64 (eng/test.sh does).");
        Assert.True(File.ReadLines("/proc/self/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t')[2] == "0",
            "Arm64 smoke test: bind-mounting a Pi's /proc/cpuinfo needs a private mount namespace (unshare -m), that is root.");
        var bundle = await BoardPackages.ExtractAsync("linux-arm64");
        var cpuinfo = Path.Combine(Path.GetDirectoryName(bundle)!, "cpuinfo");
        await File.WriteAllTextAsync(cpuinfo, PiCpuinfo);
        var binary = Path.Combine(bundle, "edgefed-agent");
        return args => ["-m", "sh", "-c", "mount --bind \"$1\" /proc/cpuinfo && shift && exec \"$@\"", "sh", cpuinfo, Qemu, "-cpu", "cortex-a72", binary, .. args];
    }
}
