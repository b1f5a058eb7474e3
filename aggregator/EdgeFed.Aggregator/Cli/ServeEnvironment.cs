using System.Collections;
using System.Runtime.InteropServices;

namespace EdgeFed.Aggregator.Cli;

/// <summary>
/// Runs <c>serve</c> with two settings that only take effect at a process's start, so the process starts itself again
/// with them (<c>execve</c> of the same executable and arguments: same PID, same descriptors). An operator's own value of
/// either variable wins.
/// <list type="bullet">
/// <item><c>MALLOC_ARENA_MAX=2</c>. glibc gives threads that allocate arenas of their own, up to eight per core, and
/// keeps what is freed in each; SQLite allocates on pool threads, so its peaks piled up arena by arena. Measured in the
/// 5-minute 1,000-stream soak (RSS from minute 2 to the last one): 159 → 207 MiB by default, 156 → 203 and 155 → 202
/// with <see cref="Storage.SqliteThread"/>, 157 → 158 with the variable. <c>mallopt</c> from inside the process came too late:
/// the runtime's own threads have their arenas before any managed code runs.</item>
/// <item><c>DOTNET_GCGen1MaxBudget=800000</c> (hexadecimal: 8 MiB). Each gen0 collection promotes what is in flight
/// (~0.6–1.7 MB at 1,000 streams), and the GC let gen1 grow to 70 MB before collecting it; every gen0 pause marks
/// through gen1's cards, so the pauses grew with it, 8–14 ms at 15–45 MB of gen1 to 16–41 ms at 53–70 MB (GC events of
/// the ingest benchmark's half-rate phase, issue 17). With gen1 held to 8 MiB the pauses stayed 8–16 ms. The runtime
/// reads this one from the environment only (in runtimeconfig.json, as <c>System.GC.Gen1MaxBudget</c> or
/// <c>GCGen1MaxBudget</c>, it changed nothing).</item>
/// </list>
/// </summary>
internal static class ServeEnvironment
{
    private static readonly (string Name, string Value)[] Settings = [("MALLOC_ARENA_MAX", "2"), ("DOTNET_GCGen1MaxBudget", "800000")];

    /// <summary>Returns only when nothing needs doing (all set already, not Linux) or the restart failed.</summary>
    public static void RestartWithSettingsIfNeeded()
    {
        var missing = Settings.Where(s => Environment.GetEnvironmentVariable(s.Name) is null).ToArray();
        if (!OperatingSystem.IsLinux() || missing.Length == 0)
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
            return; // no /proc: run with the defaults
        }

        var environment = missing.Select(s => (string?)$"{s.Name}={s.Value}").ToList();
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            environment.Add($"{variable.Key}={variable.Value}");
        }

        environment.Add(null);
        RemoveDiagnosticsSocket();
        _ = Execve("/proc/self/exe", [.. argv, null], [.. environment]); // returns only if it failed
        Console.Error.WriteLine($"edgefed-aggregator: could not restart with {string.Join(' ', missing.Select(s => $"{s.Name}={s.Value}"))} " +
            $"(errno {Marshal.GetLastPInvokeError()}); running with the defaults: malloc's arenas may grow under load, and the GC's pauses with gen1.");
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
            // The restart still applies the settings; only attaching diagnostics tools would fail.
        }
    }

    // DllImport, not LibraryImport: the generated stub needs unsafe code, which this project does not allow.
    [DllImport("libc", EntryPoint = "execve", SetLastError = true)]
    private static extern int Execve(string path, string?[] argv, string?[] envp);
}
