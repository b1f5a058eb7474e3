using System.Collections;
using System.Runtime.InteropServices;

namespace EdgeFed.Aggregator.Storage;

/// <summary>
/// Runs <c>serve</c> with glibc's malloc held to two arenas. glibc gives threads that allocate arenas of their own, up
/// to eight per core, and keeps what is freed in each; SQLite allocates on pool threads, so its peaks piled up arena by
/// arena. Measured in the 5-minute 1,000-stream soak (RSS from minute 2 to the last one): 159 → 207 MiB by default,
/// 156 → 203 and 155 → 202 with <see cref="SqliteThread"/>, 157 → 158 with <c>MALLOC_ARENA_MAX=2</c> in the
/// environment. <c>mallopt</c> from inside the process came too late: the runtime's own threads have their arenas
/// before any managed code runs, and new threads share those (159 → 207, and 158 → 164 then 155 → 202 with the
/// threads). glibc reads the variable only at start, so the process starts itself again with it (<c>execve</c> of the
/// same executable and arguments: same PID, same descriptors). An operator's own <c>MALLOC_ARENA_MAX</c> wins.
/// </summary>
internal static class MallocArenas
{
    private const string Variable = "MALLOC_ARENA_MAX";

    /// <summary>Returns only when nothing needs doing (set already, not Linux) or the restart failed.</summary>
    public static void RestartCappedIfNeeded()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(Variable) is not null)
        {
            return;
        }

        string[] argv;
        try
        {
            argv = File.ReadAllText("/proc/self/cmdline").TrimEnd('\0').Split('\0');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return; // no /proc: run uncapped
        }

        var environment = new List<string?> { $"{Variable}=2" };
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            environment.Add($"{variable.Key}={variable.Value}");
        }

        environment.Add(null);
        RemoveDiagnosticsSocket();
        _ = Execve("/proc/self/exe", [.. argv, null], [.. environment]); // returns only if it failed
        Console.Error.WriteLine($"edgefed-aggregator: could not restart with {Variable}=2 (errno {Marshal.GetLastPInvokeError()}); " +
            "running with glibc's default malloc arenas, whose memory may grow under load.");
    }

    /// <summary>
    /// The runtime's diagnostics socket (what dotnet-counters and dotnet-trace attach to) is named after the PID and the
    /// process's start time, which <c>execve</c> keeps: left in place, the restarted runtime cannot listen on that name
    /// and the tools find a socket nobody answers ("Connection refused").
    /// </summary>
    private static void RemoveDiagnosticsSocket()
    {
        try
        {
            foreach (var socket in Directory.EnumerateFiles(Path.GetTempPath(), $"dotnet-diagnostic-{Environment.ProcessId}-*-socket"))
            {
                File.Delete(socket);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The restart still caps malloc; only attaching diagnostics tools would fail.
        }
    }

    // DllImport, not LibraryImport: the generated stub needs unsafe code, which this project does not allow.
    [DllImport("libc", EntryPoint = "execve", SetLastError = true)]
    private static extern int Execve(string path, string?[] argv, string?[] envp);
}
