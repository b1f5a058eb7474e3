namespace EdgeFed.Agent.Aggregation;

/// <summary>Aligns windows to multiples of their length since the Unix epoch, so agents' windows line up.</summary>
public static class WindowClock
{
    public static (DateTimeOffset Start, DateTimeOffset End) WindowContaining(DateTimeOffset instant, TimeSpan length)
    {
        var ticks = instant.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var start = DateTimeOffset.UnixEpoch.AddTicks(ticks - ticks % length.Ticks);
        return (start, start + length);
    }
}
