using System.Globalization;
using System.Runtime.InteropServices;

namespace EdgeFed.Agent.Internal;

/// <summary>
/// Hands memory the agent touched only while starting back to the kernel. Loading ONNX Runtime runs its operator
/// registrations across most of its 21 MiB of code (14–15 MiB of it resident afterwards), the host's wiring touches
/// much of the executable, and building the sessions leaves ~3 MiB of freed temporaries in the C heap. On a 512 MiB
/// board none of that is used again; the kernel would reclaim the clean pages only under pressure, after the board's
/// other services had been squeezed. Linux only; elsewhere, and on kernels before 5.4, each step is a no-op.
/// </summary>
internal static class ResidentMemory
{
    private const int MadvPageout = 21; // MADV_PAGEOUT, Linux 5.4

    /// <summary>Trims glibc's heaps; false where the C library has no <c>malloc_trim</c> (musl) or nothing was freed.</summary>
    public static bool TrimNativeHeap()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return MallocTrim(0) != 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>
    /// Pages out this process's read-only mappings of regular files (code and constant data): clean pages, dropped
    /// without I/O, and read back from the page cache or the file when used again. Returns the bytes of the mappings
    /// advised (not all of them were resident).
    /// </summary>
    public static long PageOutFileMappings()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/proc/self/maps"))
        {
            return 0;
        }

        long advised = 0;
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            if (ReadOnlyFileMapping(line) is not var (start, length))
            {
                continue;
            }

            try
            {
                if (Madvise((nint)start, (nuint)length, MadvPageout) != 0)
                {
                    return advised; // EINVAL before Linux 5.4: nothing more to do
                }
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                return advised;
            }

            advised += (long)length;
        }

        return advised;
    }

    /// <summary>The resident set in bytes (VmRSS), or -1 where /proc is not there.</summary>
    public static long ResidentBytes()
    {
        if (!File.Exists("/proc/self/status"))
        {
            return -1;
        }

        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? -1 : long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>
    /// A /proc/PID/maps line (<c>start-end perms offset dev inode path</c>) of a mapping that is not writable and backs a
    /// regular file: its start and length. Writable mappings, anonymous memory, devices and memfds are left alone.
    /// </summary>
    internal static (ulong Start, ulong Length)? ReadOnlyFileMapping(string line)
    {
        var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 6 || fields[1].Length < 4 || fields[1][1] == 'w' || !fields[5].StartsWith('/') ||
            fields[5].StartsWith("/dev/", StringComparison.Ordinal) || fields[5].StartsWith("/memfd:", StringComparison.Ordinal) ||
            fields[5].EndsWith(" (deleted)", StringComparison.Ordinal))
        {
            return null;
        }

        var dash = fields[0].IndexOf('-');
        if (dash <= 0 ||
            !ulong.TryParse(fields[0].AsSpan(0, dash), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var start) ||
            !ulong.TryParse(fields[0].AsSpan(dash + 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var end) || end <= start)
        {
            return null;
        }

        return (start, end - start);
    }

    // libc.so.6, not "libc": the unversioned name is a linker script that only the -dev package installs. Blittable
    // arguments only, so DllImport needs no marshalling stub.
    [DllImport("libc.so.6", EntryPoint = "malloc_trim", ExactSpelling = true)]
    private static extern int MallocTrim(nuint pad);

    [DllImport("libc.so.6", EntryPoint = "madvise", ExactSpelling = true)]
    private static extern int Madvise(nint address, nuint length, int advice);
}
