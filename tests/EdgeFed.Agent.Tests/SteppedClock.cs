using Microsoft.Extensions.Time.Testing;

namespace EdgeFed.Agent.Tests;

/// <summary>
/// A <see cref="FakeTimeProvider"/> seen through a wall clock that can be stepped (back, too) while timers keep their
/// remaining time, as NTP or a board waking from sleep steps it; and the number of timers waiting, so a test can tell
/// that a worker is parked on the clock before moving it. FakeTimeProvider has neither, and its timers read its own
/// time, so this wraps it rather than overriding it.
/// </summary>
public sealed class SteppedClock(DateTimeOffset start) : TimeProvider
{
    private readonly FakeTimeProvider _fake = new(start);
    private TimeSpan _step;
    private int _pending;

    public int PendingTimers => Volatile.Read(ref _pending);

    public override DateTimeOffset GetUtcNow() => _fake.GetUtcNow() + _step;

    public override long GetTimestamp() => _fake.GetTimestamp();

    public override long TimestampFrequency => _fake.TimestampFrequency;

    /// <summary>Moves time forward: the wall clock and the timers (FakeTimeProvider.Advance).</summary>
    public void Advance(TimeSpan by) => _fake.Advance(by);

    /// <summary>Steps the wall clock to <paramref name="to"/>; no timer fires and none moves.</summary>
    public void Step(DateTimeOffset to) => _step += to - GetUtcNow();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var tracked = new TrackedTimer(this);
        tracked.Inner = _fake.CreateTimer(s =>
        {
            if (period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero)
            {
                tracked.Retire();
            }

            callback(s);
        }, state, dueTime, period);
        // Counted only once the timer exists: a test that sees it pending and moves the clock must move it past it.
        Interlocked.Increment(ref _pending);
        return tracked;
    }

    private sealed class TrackedTimer(SteppedClock clock) : ITimer
    {
        private int _retired;

        public ITimer Inner { get; set; } = null!;

        public void Retire()
        {
            if (Interlocked.Exchange(ref _retired, 1) == 0)
            {
                Interlocked.Decrement(ref clock._pending);
            }
        }

        public bool Change(TimeSpan dueTime, TimeSpan period) => Inner.Change(dueTime, period);

        public void Dispose()
        {
            Retire();
            Inner.Dispose();
        }

        public async ValueTask DisposeAsync()
        {
            Retire();
            await Inner.DisposeAsync();
        }
    }
}
