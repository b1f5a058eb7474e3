using Xunit;

namespace EdgeFed.Agent.Tests;

/// <summary>A portable `dotnet publish` of the agent: x64 and arm64 natives of ONNX Runtime and SQLite, the models, the GC settings and a sound systemd unit.</summary>
public sealed class PublishedBundleTests
{
    private const ushort X86_64 = 62;
    private const ushort AArch64 = 183;

    [Fact]
    public async Task PortablePublish_CarriesElfNativesForLinuxX64AndArm64()
    {
        var output = Directory.CreateTempSubdirectory("edgefed-publish-").FullName;
        try
        {
            var (exit, log) = await ProcessRunner.RunAsync("dotnet",
                ["publish", "agent/EdgeFed.Agent/EdgeFed.Agent.csproj", "-c", "Release", "-o", output, "--nologo"], TimeSpan.FromMinutes(8));
            Assert.True(exit == 0, log);

            Assert.Equal(X86_64, ElfMachine(Path.Combine(output, "runtimes/linux-x64/native/libonnxruntime.so")));
            Assert.Equal(AArch64, ElfMachine(Path.Combine(output, "runtimes/linux-arm64/native/libonnxruntime.so")));
            Assert.Equal(X86_64, ElfMachine(Path.Combine(output, "runtimes/linux-x64/native/libe_sqlite3.so")));
            Assert.Equal(AArch64, ElfMachine(Path.Combine(output, "runtimes/linux-arm64/native/libe_sqlite3.so")));
            Assert.All(["miner-health", "miner-model", "pool-fallback"], m =>
            {
                Assert.True(File.Exists(Path.Combine(output, "models", m + ".onnx")), $"{m}.onnx missing from the bundle");
                Assert.True(File.Exists(Path.Combine(output, "models", m + ".card.json")), $"{m}.card.json missing from the bundle");
            });
            SystemdUnit_StartsTheBundle_AndKeepsItsStateWhereItMayWrite(output);
            var runtimeConfig = File.ReadAllText(Path.Combine(output, "edgefed-agent.runtimeconfig.json"));
            Assert.Contains("\"System.GC.Concurrent\": false", runtimeConfig, StringComparison.Ordinal);
            Assert.Contains("\"System.GC.ConserveMemory\": 5", runtimeConfig, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
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
        Assert.Equal(["/usr/share/dotnet/dotnet", "/opt/edgefed-agent/edgefed-agent.dll", "run"], exec);
        Assert.True(File.Exists(Path.Combine(bundle, Path.GetFileName(exec[1]))), "the unit starts a dll the bundle does not have");
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
