using EdgeFed.Agent.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;

namespace EdgeFed.Aggregator.Tests;

/// <summary>
/// Fault drill on loopback: between a polling agent and the aggregator, a proxy resets connections, blackholes and
/// delays traffic, and the aggregator restarts. Afterwards every report the agent made is stored exactly once or
/// still waits in its outbox: none lost, none doubled.
/// </summary>
public sealed class NetworkFaultTests
{
    [Fact]
    public async Task ResetsBlackholesDelaysAndARestart_LoseNothing_DoubleNothing()
    {
        var directory = Directory.CreateTempSubdirectory("edgefed-network-drill-").FullName;
        var port = TestProcesses.FreePort();
        var aggregator = await AggregatorHost.StartAsync(minAgents: 1, Path.Combine(directory, "aggregator"), port);
        await using var proxy = new FaultProxy(aggregator.Address);
        var (farm, manifest) = await TestFarm.StartAsync(directory, miners: 6, seed: 8, "127.100.1.1");
        await using var _ = farm;
        var log = new CollectingLoggerProvider();
        using var agent = TestFarm.Agent("drill", proxy.Address, Path.Combine(directory, "agent"), manifest, new()
        {
            ["Agent:Window"] = "00:00:01", ["Agent:Polling:Interval"] = "00:00:00.500", ["Agent:Outbox:DrainRatePerSecond"] = "50", ["Agent:Outbox:AckTimeout"] = "00:00:02",
        }, log);
        var outbox = agent.Services.GetRequiredService<ReportOutbox>();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await agent.StartAsync(limit.Token);
        try
        {
            await Task.Delay(3000, limit.Token);
            proxy.ResetAll();                                   // a dropped link
            await Task.Delay(2000, limit.Token);
            proxy.Mode = LinkMode.Blackhole;                    // packets vanish: only the ack timeout notices
            await Task.Delay(2500, limit.Token);
            proxy.ResetAll();                                   // and reconnecting leads into the blackhole too
            await Task.Delay(5000, limit.Token);
            proxy.Mode = LinkMode.Pass;
            proxy.ResetAll();
            await Task.Delay(3000, limit.Token);
            proxy.Mode = LinkMode.Delay;                        // a slow link
            await Task.Delay(3000, limit.Token);
            proxy.Mode = LinkMode.Pass;
            await aggregator.DisposeAsync();                    // the aggregator restarts on the same database and port
            await Task.Delay(2000, limit.Token);
            aggregator = await AggregatorHost.StartAsync(minAgents: 1, Path.Combine(directory, "aggregator"), port);
            for (var i = 0; outbox.Count > 0 || TestProcesses.StoredSequences(Path.Combine(directory, "aggregator", "aggregator.db"), "drill").Count < 15; i++)
            {
                Assert.True(i < 300, "the outbox did not drain within 60 s of the last fault:\n" + string.Join("\n", log.Lines.Where(l => !l.Contains("WindowWorker", StringComparison.Ordinal)).TakeLast(30)));
                await Task.Delay(200, limit.Token);
            }
        }
        finally
        {
            await agent.StopAsync(CancellationToken.None);
        }

        var stored = TestProcesses.StoredSequences(Path.Combine(directory, "aggregator", "aggregator.db"), "drill");
        var waiting = outbox.Peek(10_000).Select(p => (long)p.Sequence).ToList(); // the window flushed at stop
        var made = agent.Services.GetRequiredService<AgentStateStore>().NextSequence() - 1;
        await aggregator.DisposeAsync();

        Assert.Equal(stored.Distinct().Count(), stored.Count);                                    // none doubled
        Assert.Empty(stored.Intersect(waiting));
        Assert.Equal(Enumerable.Range(1, (int)made).Select(i => (long)i), stored.Concat(waiting).Order()); // none lost
        Assert.True(stored.Count >= 15);
    }
}

/// <summary>Keeps the agent's log lines (warnings and above, plus acks) so a failing drill says what happened.</summary>
internal sealed class CollectingLoggerProvider : ILoggerProvider
{
    private readonly List<string> _lines = [];

    public IEnumerable<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Collector(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Collector(CollectingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (owner._lines)
            {
                owner._lines.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category.Split('.')[^1]}: {formatter(state, exception)}");
            }
        }
    }
}
