using Xunit;

namespace EdgeFed.Agent.Tests;

/// <summary>A portable `dotnet publish` of the agent carries the x64 and arm64 natives of ONNX Runtime and SQLite.</summary>
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
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
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
