namespace EdgeFed.Benchmarks;

/// <summary>
/// The machine's CPU time taken by its hypervisor for other guests ("steal", the 8th figure of /proc/stat's cpu line),
/// as a share of all CPU time between two readings. NaN where there is no /proc/stat.
/// </summary>
internal static class CpuSteal
{
    public readonly record struct Reading(long Steal, long Total);

    public static Reading? Read()
    {
        try
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // cpu user nice system idle iowait irq softirq steal guest guest_nice: guest time is counted in user already.
            var ticks = fields.Skip(1).Take(8).Select(long.Parse).ToArray();
            return new Reading(ticks[7], ticks.Sum());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    public static double PercentSince(Reading? start) =>
        start is { } a && Read() is { } b && b.Total > a.Total ? 100.0 * (b.Steal - a.Steal) / (b.Total - a.Total) : double.NaN;
}
