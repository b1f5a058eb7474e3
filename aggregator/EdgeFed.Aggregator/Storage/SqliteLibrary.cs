using SQLitePCL;

namespace EdgeFed.Aggregator.Storage;

/// <summary>
/// Process-wide settings of the SQLite library, made before the process opens its first connection (SQLite refuses
/// them after, with SQLITE_MISUSE, and keeps its defaults). Multi-thread mode: no connection takes its own mutex on
/// every call, which is safe because none is ever used by two threads at once (the writer's and the roll-ups' each
/// have a thread of their own, the checkpointer's too, and a reader belongs to one query at a time). Memory statistics
/// off: SQLite's allocator no longer takes a global mutex per malloc to count bytes nobody reads. Both were 3.7 % of
/// the aggregator's samples flat out (issue 17), on the writer's thread.
/// </summary>
internal static class SqliteLibrary
{
    private const int ConfigMultiThread = 2, ConfigMemoryStatistics = 9;

    static SqliteLibrary()
    {
        Batteries_V2.Init(); // the provider Microsoft.Data.Sqlite would load on its first connection
        MultiThread = raw.sqlite3_config(ConfigMultiThread) == raw.SQLITE_OK;
        raw.sqlite3_config(ConfigMemoryStatistics, 0);
    }

    /// <summary>True when the settings took effect: no SQLite connection was open in this process before the first store.</summary>
    public static bool MultiThread { get; }

    /// <summary>The threading mode in effect, for the startup log: "multi-thread", or "serialized" when a connection came first.</summary>
    public static string Mode => MultiThread ? "multi-thread" : "serialized";

    /// <summary>Makes the settings now, if they were not made before (the first call does).</summary>
    public static void Configure() => _ = MultiThread;
}
