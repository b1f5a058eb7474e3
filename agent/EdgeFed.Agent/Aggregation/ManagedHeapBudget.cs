namespace EdgeFed.Agent.Aggregation;

/// <summary>
/// The managed heap a poll loop needs, measured: ~8 MiB for the agent itself and ~16 KiB a miner (its window of samples,
/// its cached static replies, its share of a cycle's parses). The systemd unit caps the heap (DOTNET_GCHeapHardLimit);
/// a miner list too large for the cap is said at start, with the value to set, instead of ending in an out-of-memory.
/// </summary>
public static class ManagedHeapBudget
{
    public const long BaseBytes = 8L << 20;
    public const long BytesPerMiner = 16L << 10;

    public static long Needed(int miners) => BaseBytes + (miners * BytesPerMiner);

    /// <summary>The heap limit to set for <paramref name="miners"/>, rounded up to whole MiB, in the notation the unit uses (hex, no 0x).</summary>
    public static string SuggestedLimit(int miners) => ((Needed(miners) + (1L << 20) - 1) >> 20 << 20).ToString("x");
}
