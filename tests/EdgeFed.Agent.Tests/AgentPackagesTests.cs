using System.Runtime.Versioning;
using EdgeFed.Agent.Tests.Collectors;
using Xunit;

namespace EdgeFed.Agent.Tests;

/// <summary>The board packages: self-contained bundles for linux-x64 and linux-arm64 and their .deb packages (eng/package-agent.sh).</summary>
[SupportedOSPlatform("linux")]
public sealed class AgentPackagesTests
{
    private const ushort X86_64 = 62;
    private const ushort AArch64 = 183;

    [Theory]
    [InlineData("linux-x64", X86_64)]
    [InlineData("linux-arm64", AArch64)]
    public async Task SelfContainedBundle_CarriesTheRuntimeNativesModelsAndUnit_ButNoEmulator(string rid, ushort machine)
    {
        var bundle = await BoardPackages.ExtractAsync(rid);
        try
        {
            Assert.Equal(machine, ElfMachine(Path.Combine(bundle, "edgefed-agent")));
            Assert.True(File.GetUnixFileMode(Path.Combine(bundle, "edgefed-agent")).HasFlag(UnixFileMode.UserExecute), "the apphost is not executable");
            foreach (var native in new[] { "libonnxruntime.so", "libe_sqlite3.so" })
            {
                Assert.Equal(machine, ElfMachine(Path.Combine(bundle, native)));
            }

            // Native AOT: one executable, no runtime or assemblies beside it, nothing for Windows.
            Assert.Empty(Directory.GetFiles(bundle, "*.dll"));
            Assert.False(File.Exists(Path.Combine(bundle, "libcoreclr.so")), "a Native AOT bundle carries no JIT runtime");

            Assert.False(Directory.Exists(Path.Combine(bundle, "runtimes")), "a self-contained bundle carries only its own runtime's natives");
            Assert.All(["miner-health", "miner-model", "pool-fallback"], m =>
            {
                Assert.True(File.Exists(Path.Combine(bundle, "models", m + ".onnx")), $"{m}.onnx missing from the bundle");
                Assert.True(File.Exists(Path.Combine(bundle, "models", m + ".card.json")), $"{m}.card.json missing from the bundle");
            });
            Assert.True(File.Exists(Path.Combine(bundle, "deploy", "agent.env.example")));
            SystemdUnit_StartsTheBundle_AndKeepsItsStateWhereItMayWrite(bundle);
            Assert.False(File.Exists(Path.Combine(bundle, "edgefed-sim.dll")), "the emulators are development tooling, not for boards");
            var executable = System.Text.Encoding.Latin1.GetString(await File.ReadAllBytesAsync(Path.Combine(bundle, "edgefed-agent")));
            Assert.DoesNotContain("FarmEmulator", executable, StringComparison.Ordinal);
            Assert.Contains("System.GC.ConserveMemory", executable, StringComparison.Ordinal); // the GC settings compiled in
            Assert.Contains("System.GC.Concurrent", executable, StringComparison.Ordinal);
            Assert.Contains("System.GC.Gen0MaxBudget", executable, StringComparison.Ordinal); // honoured only compiled in
            Assert.Contains("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit", executable, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(bundle)!, recursive: true);
        }
    }

    [Fact]
    public async Task TheX64Bundle_AnswersEveryJsonCommand_ExactlyAsTheBuild()
    {
        var bundle = await BoardPackages.ExtractAsync("linux-x64");
        var dir = Directory.CreateTempSubdirectory("edgefed-bundle-cli-").FullName;
        try
        {
            var replies = Path.Combine(RealReplies.Root, "antminer", "v2020");
            var notify = Path.Combine(dir, "notify.json");
            var block = Path.Combine(dir, "block.json");
            await File.WriteAllTextAsync(notify, Attribution.StratumAndNodeTests.NotifyFrom(Attribution.RealCoinbases.ByNumber("507516")));
            await File.WriteAllTextAsync(block, Attribution.StratumAndNodeTests.GetBlockJson(Attribution.RealCoinbases.ByNumber("682736"), withHex: false));
            string[][] commands =
            [
                ["classify", "--family", "antminer", "--stats", Path.Combine(replies, "stats.json"), "--summary", Path.Combine(replies, "summary.json"),
                    "--pools", Path.Combine(replies, "pools.json")],
                ["decode", "coinbase", "--hex", Attribution.RealCoinbases.Hex(Attribution.RealCoinbases.ByNumber("649061"))],
                ["decode", "notify", "--file", notify],
                ["identify", "block", "--file", block],
            ];
            var built = Path.Combine(AppContext.BaseDirectory, "..", "..", "EdgeFed.Agent", new DirectoryInfo(AppContext.BaseDirectory).Name, "edgefed-agent");

            foreach (var args in commands)
            {
                var fromBundle = await ProcessRunner.RunSplitAsync(Path.Combine(bundle, "edgefed-agent"), args, TimeSpan.FromMinutes(2));
                var fromBuild = await ProcessRunner.RunSplitAsync(built, args, TimeSpan.FromMinutes(2));

                Assert.True(fromBundle.ExitCode == 0, $"{args[0]}: {fromBundle.Stderr}");
                Assert.Equal(fromBuild.Stdout, fromBundle.Stdout);
            }
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(bundle)!, recursive: true);
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task TheX64Bundle_TakesTheUnitsHeapLimit()
    {
        var bundle = await BoardPackages.ExtractAsync("linux-x64");
        try
        {
            var unit = await File.ReadAllLinesAsync(Path.Combine(bundle, "deploy", "edgefed-agent.service"));
            var limit = Assert.Single(unit, l => l.StartsWith("Environment=DOTNET_GCHeapHardLimit=", StringComparison.Ordinal)).Split('=')[2];
            var regions = Assert.Single(unit, l => l.StartsWith("Environment=DOTNET_GCRegionSize=", StringComparison.Ordinal)).Split('=')[2];
            string[] args = ["decode", "coinbase", "--hex", Attribution.RealCoinbases.Hex(Attribution.RealCoinbases.ByNumber("649061"))];

            var withUnitLimit = await ProcessRunner.RunSplitAsync(Path.Combine(bundle, "edgefed-agent"), args, TimeSpan.FromMinutes(1),
                new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = limit, ["DOTNET_GCRegionSize"] = regions });
            var withTinyLimit = await ProcessRunner.RunSplitAsync(Path.Combine(bundle, "edgefed-agent"), args, TimeSpan.FromMinutes(1),
                new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "100000" }); // 1 MiB, in the same notation

            Assert.Equal(0x2000000, Convert.ToInt64(limit, 16)); // 32 MiB
            Assert.Equal(0x100000, Convert.ToInt64(regions, 16)); // 1 MiB regions: 4 MiB ones crashed under a 32 MiB limit
            Assert.True(withUnitLimit.ExitCode == 0, withUnitLimit.Stderr);
            Assert.NotEqual(0, withTinyLimit.ExitCode); // the runtime read the setting: a 1 MiB heap cannot even start
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(bundle)!, recursive: true);
        }
    }

    [Theory]
    [InlineData("amd64", X86_64)]
    [InlineData("arm64", AArch64)]
    public async Task Deb_InstallsTheBundleUnitAndConffile_CreatesTheUser_AndEnablesNothing(string arch, ushort machine)
    {
        var deb = await BoardPackages.DebAsync(arch);

        var (_, control) = await ProcessRunner.RunAsync("dpkg-deb", ["--field", deb, "Package", "Version", "Architecture", "Depends"], TimeSpan.FromMinutes(1));
        var (_, contents) = await ProcessRunner.RunAsync("dpkg-deb", ["--contents", deb], TimeSpan.FromMinutes(1));
        var scripts = Directory.CreateTempSubdirectory("edgefed-deb-control-").FullName;
        var tree = Directory.CreateTempSubdirectory("edgefed-deb-tree-").FullName;
        try
        {
            Assert.Equal(0, (await ProcessRunner.RunAsync("dpkg-deb", ["--control", deb, scripts], TimeSpan.FromMinutes(1))).ExitCode);
            Assert.Equal(0, (await ProcessRunner.RunAsync("dpkg-deb", ["--extract", deb, tree], TimeSpan.FromMinutes(2))).ExitCode);

            Assert.Contains("Package: edgefed-agent", control, StringComparison.Ordinal);
            Assert.Contains($"Version: {BoardPackages.Version}", control, StringComparison.Ordinal);
            Assert.Contains($"Architecture: {arch}", control, StringComparison.Ordinal);
            Assert.DoesNotContain("dotnet", control, StringComparison.OrdinalIgnoreCase); // no .NET install on the board
            foreach (var path in new[] { "./opt/edgefed-agent/edgefed-agent", "./lib/systemd/system/edgefed-agent.service", "./etc/edgefed-agent/agent.env" })
            {
                Assert.Contains(path, contents, StringComparison.Ordinal);
            }

            Assert.Equal(["/etc/edgefed-agent/agent.env"], await File.ReadAllLinesAsync(Path.Combine(scripts, "conffiles")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(tree, "etc", "edgefed-agent", "agent.env"))); // it holds the enrolment token
            Assert.Equal(machine, ElfMachine(Path.Combine(tree, "opt", "edgefed-agent", "edgefed-agent")));
            var postinst = await File.ReadAllTextAsync(Path.Combine(scripts, "postinst"));
            Assert.Contains("adduser --system", postinst, StringComparison.Ordinal);
            Assert.DoesNotContain(postinst.Split('\n'), l => l.Contains("systemctl enable", StringComparison.Ordinal) && !l.TrimStart().StartsWith("echo", StringComparison.Ordinal));
            Assert.DoesNotContain("systemctl start", postinst, StringComparison.Ordinal);
            var unit = await File.ReadAllTextAsync(Path.Combine(tree, "lib", "systemd", "system", "edgefed-agent.service"));
            Assert.Contains("ExecStart=/opt/edgefed-agent/edgefed-agent run", unit, StringComparison.Ordinal);
            Assert.Equal(0, (await ProcessRunner.RunAsync("sh", ["-n", Path.Combine(scripts, "postinst")], TimeSpan.FromMinutes(1))).ExitCode);
            Assert.Equal(0, (await ProcessRunner.RunAsync("sh", ["-n", Path.Combine(scripts, "postrm")], TimeSpan.FromMinutes(1))).ExitCode);
        }
        finally
        {
            Directory.Delete(scripts, recursive: true);
            Directory.Delete(tree, recursive: true);
        }
    }

    /// <summary>The unit in the bundle runs the bundle's dll with `run`, does not restart on exit codes 2 and 3, and writes only its state folder.</summary>
    private static void SystemdUnit_StartsTheBundle_AndKeepsItsStateWhereItMayWrite(string bundle)
    {
        var lines = File.ReadAllLines(Path.Combine(bundle, "deploy", "edgefed-agent.service"));
        var sections = new Dictionary<string, Dictionary<string, List<string>>>();
        Dictionary<string, List<string>>? current = null;
        foreach (var line in lines.Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                sections[line[1..^1]] = current = [];
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            Assert.True(current is not null && equals > 0, $"unit line outside a section or without '=': {line}");
            var key = line[..equals];
            if (!current!.TryGetValue(key, out var values))
            {
                current[key] = values = [];
            }

            values.Add(line[(equals + 1)..]);
        }

        Assert.Equal(["Unit", "Service", "Install"], sections.Keys);
        var service = sections["Service"];
        var exec = Assert.Single(service["ExecStart"]).Split(' ');
        Assert.Equal(["/opt/edgefed-agent/edgefed-agent", "run"], exec);
        Assert.True(File.Exists(Path.Combine(bundle, Path.GetFileName(exec[0]))), "the unit starts a program the bundle does not have");
        Assert.Equal(["2", "3"], Assert.Single(service["RestartPreventExitStatus"]).Split(' '));
        Assert.Equal("on-failure", Assert.Single(service["Restart"]));
        var state = "/var/lib/" + Assert.Single(service["StateDirectory"]);
        Assert.Contains($"EDGEFED_Agent__StateDirectory={state}", service["Environment"]);
        Assert.Equal(state, Assert.Single(service["ReadWritePaths"]));
        Assert.Equal(state, Assert.Single(service["WorkingDirectory"]));
        Assert.Equal("multi-user.target", Assert.Single(sections["Install"]["WantedBy"]));
    }

    /// <summary>e_machine of a 64-bit little-endian ELF file (offset 18), after checking the magic and class.</summary>
    private static ushort ElfMachine(string path)
    {
        var header = new byte[20];
        using (var file = File.OpenRead(path))
        {
            file.ReadExactly(header);
        }

        Assert.True(header[0] == 0x7F && header[1] == 'E' && header[2] == 'L' && header[3] == 'F', $"{path} is not ELF");
        Assert.Equal(2, header[4]); // ELFCLASS64
        Assert.Equal(1, header[5]); // little-endian
        return BitConverter.ToUInt16(header, 18);
    }
}
