using System.Runtime.InteropServices;

namespace EdgeFed.Aggregator.Storage;

/// <summary>
/// Lowers the calling thread's CPU priority to the lowest nice value (19) on Linux, where nice is per thread and any
/// thread may lower its own without privileges; <see cref="Thread.Priority"/> changes nothing there (dotnet/runtime#91165).
/// For work no report waits for: on two cores the roll-up's chunks (~0.1 s of SQLite at a time) took a core from the
/// group commit and the request threads while they worked off the backlog a GC pause had left, and those backlogs were
/// the half-rate ack tail (docs/benchmarks.md, issue 17, fifteenth session).
/// </summary>
internal static class BackgroundPriority
{
    public const int Nice = 19;
    private const int PrioProcess = 0; // PRIO_PROCESS: on Linux a thread id names that one thread

    /// <summary>True when the calling thread now runs at <see cref="Nice"/>; false elsewhere than Linux or when refused (it then runs as before).</summary>
    public static bool LowerCurrentThread() =>
        OperatingSystem.IsLinux() && SetPriority(PrioProcess, GetThreadId(), Nice) == 0;

    /// <summary>The calling thread's nice value (Linux), for tests and logs.</summary>
    public static int CurrentNice()
    {
        Marshal.SetLastPInvokeError(0);
        var nice = GetPriority(PrioProcess, GetThreadId());
        return nice == -1 && Marshal.GetLastPInvokeError() != 0 ? throw new InvalidOperationException("getpriority failed") : nice;
    }

    // DllImport, not LibraryImport: the generated stub needs unsafe code, which this project does not allow. Plain
    // integers only, so no marshalling stub either.
    [DllImport("libc", EntryPoint = "gettid", ExactSpelling = true)]
    private static extern int GetThreadId();

    [DllImport("libc", EntryPoint = "setpriority", ExactSpelling = true, SetLastError = true)]
    private static extern int SetPriority(int which, int who, int priority);

    [DllImport("libc", EntryPoint = "getpriority", ExactSpelling = true, SetLastError = true)]
    private static extern int GetPriority(int which, int who);
}
