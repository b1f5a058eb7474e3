namespace EdgeFed.Emulator;

/// <summary>
/// Seeds that are the same in every process (<see cref="HashCode"/> is randomised per process), so an emulated farm
/// driven by the same clock renders byte-identical replies run after run.
/// </summary>
public static class StableHash
{
    public static int Mix(long a, long b)
    {
        var x = (ulong)a * 0x9E3779B97F4A7C15UL ^ (ulong)b * 0xC2B2AE3D27D4EB4FUL;
        x ^= x >> 31;
        x *= 0xBF58476D1CE4E5B9UL;
        x ^= x >> 29;
        return (int)(x & 0x7FFFFFFF);
    }

    /// <summary>FNV-1a over UTF-16 code units.</summary>
    public static int Of(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash & 0x7FFFFFFF);
    }
}
