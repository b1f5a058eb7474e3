using EdgeFed.Agent.Aggregation;
using EdgeFed.Agent.Outbox;
using EdgeFed.Agent.Tests.Inference;
using EdgeFed.Agent.Tests.Outbox;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace EdgeFed.Agent.Tests.Aggregation;

/// <summary>Windows on a fake clock (FakeTimeProvider): reports tile time into the outbox, survive clock jumps, and the partial window is flushed on stop.</summary>
public sealed class WindowWorkerTests : IAsyncLifetime
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly string _dir = Directory.CreateTempSubdirectory("edgefed-windows-").FullName;
    private readonly SteppedClock _clock = new(new DateTimeOffset(2026, 5, 1, 12, 0, 30, TimeSpan.Zero));
    private readonly ListLogger<WindowWorker> _log = new();
    private AgentStateStore _state = null!;
    private ReportOutbox _outbox = null!;
    private Inference.ModelSetHolder _models = null!;
    private WindowWorker _worker = null!;

    public async Task InitializeAsync()
    {
        var agent = Options.Create(new AgentOptions { AgentId = "w", Region = "NO", StateDirectory = _dir, Window = Window });
        _state = new AgentStateStore(agent);
        _outbox = new ReportOutbox(agent, Options.Create(new OutboxOptions()), NullLogger<ReportOutbox>.Instance);
        _models = new Inference.ModelSetHolder();
        var factory = new ReportFactory(agent, _state, new ObservationBuffer(), new CellAccumulator(), _models.Models, new LaplaceNoise(Options.Create(new PrivacyOptions())));
        _worker = new WindowWorker(factory, _outbox, agent, _clock, _log);
        await _worker.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        _worker.Dispose();
        _outbox.Dispose();
        _state.Dispose();
        _models.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
        await Task.CompletedTask;
    }

    /// <summary>Advances the clock and waits (bounded) until the worker has written <paramref name="reports"/> reports.</summary>
    private async Task AdvanceUntilAsync(TimeSpan by, int reports)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await ParkedAsync(limit.Token);
        _clock.Advance(by);
        while (_outbox.Count < reports)
        {
            await Task.Delay(5, limit.Token);
        }
    }

    /// <summary>Waits (bounded) until the worker waits on the clock, so moving it cannot race the worker's own reading of it.</summary>
    private async Task ParkedAsync(CancellationToken cancellationToken)
    {
        while (_clock.PendingTimers == 0)
        {
            await Task.Delay(5, cancellationToken);
        }
    }

    private IReadOnlyList<(DateTimeOffset Start, DateTimeOffset End)> Windows() =>
        _outbox.Peek(1000).Select(p => (p.Report.WindowStart.ToDateTimeOffset(), p.Report.WindowEnd.ToDateTimeOffset())).ToList();

    [Fact]
    public async Task Reports_TileTime_AlignedToTheWindow()
    {
        await AdvanceUntilAsync(TimeSpan.FromSeconds(30), 1);
        await AdvanceUntilAsync(Window, 2);
        await AdvanceUntilAsync(Window, 3);

        var t0 = new DateTimeOffset(2026, 5, 1, 12, 0, 30, TimeSpan.Zero);
        Assert.Equal([(t0, t0.AddSeconds(30)), (t0.AddSeconds(30), t0.AddSeconds(90)), (t0.AddSeconds(90), t0.AddSeconds(150))], Windows());
    }

    [Fact]
    public async Task ClockJumpingForwardHours_GivesOneReportOfOneWindow_NotAnHoursLongOne()
    {
        await AdvanceUntilAsync(TimeSpan.FromSeconds(30), 1);

        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await ParkedAsync(limit.Token);
        _clock.Step(_clock.GetUtcNow().AddHours(3).AddSeconds(10));
        await AdvanceUntilAsync(Window, 2);

        var (start, end) = Windows()[1];
        Assert.Equal(Window, end - start);
        Assert.True(start >= Windows()[0].End);
    }

    [Fact]
    public async Task ClockGoingBack_MakesNoOverlappingReport()
    {
        await AdvanceUntilAsync(TimeSpan.FromSeconds(30), 1);
        await AdvanceUntilAsync(Window, 2);

        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await ParkedAsync(limit.Token);
        _clock.Step(_clock.GetUtcNow().AddMinutes(-10));
        _clock.Advance(Window); // the pending window ends by the timer, but the wall clock now reads ten minutes earlier
        while (!_log.Lines.Any(l => l.StartsWith("Clock went back", StringComparison.Ordinal)))
        {
            await Task.Delay(5, limit.Token);
        }

        for (var minute = 0; minute < 12 && _outbox.Count < 3; minute++)
        {
            await ParkedAsync(limit.Token);
            _clock.Advance(Window);
        }

        while (_outbox.Count < 3)
        {
            await Task.Delay(5, limit.Token);
        }

        var windows = Windows();
        Assert.Equal(3, windows.Count);
        Assert.True(windows[2].Start >= windows[1].End, $"{windows[2].Start:O} overlaps {windows[1].End:O}");
    }

    [Fact]
    public async Task Stop_FlushesThePartialWindowIntoTheOutbox()
    {
        await AdvanceUntilAsync(TimeSpan.FromSeconds(30), 1);
        _clock.Advance(TimeSpan.FromSeconds(20));

        await _worker.StopAsync(CancellationToken.None);

        var windows = Windows();
        Assert.Equal(2, windows.Count);
        Assert.Equal(TimeSpan.FromSeconds(20), windows[1].End - windows[1].Start);
    }
}
