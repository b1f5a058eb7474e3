namespace EdgeFed.Agent.Emulator;

/// <summary>
/// A clock that moves only when told to: training-set generation and tests step it poll by poll, so emulated
/// behaviour and labels do not depend on how fast the machine is. Timers still run on real time.
/// </summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _utcTicks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _utcTicks, by.Ticks);
}
