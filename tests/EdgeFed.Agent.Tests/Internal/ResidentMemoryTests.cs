using System.Runtime.InteropServices;
using EdgeFed.Agent.Internal;
using Xunit;

namespace EdgeFed.Agent.Tests.Internal;

/// <summary>What the agent gives back after start-up: freed C heap pages and clean pages of code, in this process.</summary>
public sealed class ResidentMemoryTests
{
    [Theory]
    [InlineData("7f16325a0000-7f1633b9c000 r-xp 00245000 08:01 1054 /opt/edgefed-agent/libonnxruntime.so", 0x7f16325a0000UL, 0x15fc000UL)]
    [InlineData("564bf268b000-564bf2690000 r--p 00000000 08:01 99 /opt/edgefed agent/edgefed-agent", 0x564bf268b000UL, 0x5000UL)] // a space in the path
    public void ReadOnlyFileMapping_IsTheMappingsStartAndLength(string line, ulong start, ulong length) =>
        Assert.Equal((start, length), ResidentMemory.ReadOnlyFileMapping(line));

    [Theory]
    [InlineData("564bf3000000-564bf3483000 rw-p 00975000 08:01 99 /opt/edgefed-agent/edgefed-agent")] // written data
    [InlineData("7f1630000000-7f1630021000 rw-p 00000000 00:00 0 ")] // anonymous
    [InlineData("564bf4a2e000-564bf5a43000 rw-p 00000000 00:00 0 [heap]")]
    [InlineData("7ffd3b9e4000-7ffd3b9e6000 r-xp 00000000 00:00 0 [vdso]")]
    [InlineData("7f1634000000-7f1634001000 r--s 00000000 00:05 7 /dev/shm/sem.x")] // a device
    [InlineData("7f1635000000-7f1636000000 r-xp 00000000 00:01 12 /memfd:doublemapper (deleted)")] // JIT code
    [InlineData("7f1637000000-7f1637001000 r--p 00000000 08:01 13 /tmp/replaced.so (deleted)")]
    [InlineData("garbage")]
    public void ReadOnlyFileMapping_LeavesOtherMappingsAlone(string line) => Assert.Null(ResidentMemory.ReadOnlyFileMapping(line));

    [Fact]
    public void PageOutFileMappings_DropsResidentPagesOfThisProcesssCode()
    {
        var before = RssFileBytes();

        var advised = ResidentMemory.PageOutFileMappings();
        var after = RssFileBytes();

        Assert.True(advised > 0, "no read-only file mapping was advised");
        Assert.True(after < before - (4L << 20), $"file-backed resident memory {before >> 20} MiB -> {after >> 20} MiB");
    }

    [Fact]
    public void TrimNativeHeap_ReturnsFreedPagesToTheSystem()
    {
        var blocks = new nint[2048];
        for (var i = 0; i < blocks.Length; i++)
        {
            blocks[i] = Marshal.AllocHGlobal(16 << 10); // below glibc's mmap threshold: from the heap
        }

        var kept = Marshal.AllocHGlobal(64); // above them, so the heap's top cannot simply shrink
        foreach (var block in blocks)
        {
            Marshal.FreeHGlobal(block);
        }

        try
        {
            Assert.True(ResidentMemory.TrimNativeHeap(), "malloc_trim released nothing from 32 MiB of freed blocks");
        }
        finally
        {
            Marshal.FreeHGlobal(kept);
        }
    }

    private static long RssFileBytes() =>
        long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("RssFile:", StringComparison.Ordinal))[8..].Trim().Split(' ')[0]) * 1024;
}
