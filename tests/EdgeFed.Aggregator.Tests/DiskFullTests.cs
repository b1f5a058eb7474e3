using EdgeFed.Agent;
using EdgeFed.Agent.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace EdgeFed.Aggregator.Tests;

/// <summary>
/// Fault drill: the agent's outbox runs out of space (a file ceiling that fails writes with SQLITE_FULL, as a full disk
/// does) while the aggregator is down. The agent keeps polling, says so, loses only the reports it could not write
/// (counted), and once the aggregator is back and the outbox drains, writes reports again.
/// </summary>
public sealed class DiskFullTests
{
    [Fact]
    public async Task FullOutboxDisk_PollingGoesOn_LossIsCounted_AndItRecovers()
    {
        var directory = Directory.CreateTempSubdirectory("edgefed-disk-drill-").FullName;
        var port = TestProcesses.FreePort();
        var (farm, manifest) = await TestFarm.StartAsync(directory, miners: 12, seed: 9, "127.101.1.1");
        await using var _ = farm;
        var log = new CollectingLoggerProvider();
        using var agent = TestFarm.Agent("disk", new Uri($"http://127.0.0.1:{port}"), Path.Combine(directory, "agent"), manifest, new()
        {
            ["Agent:Window"] = "00:00:01", ["Agent:Polling:Interval"] = "00:00:00.250", ["Agent:Outbox:DrainRatePerSecond"] = "100", ["Agent:Outbox:MaxFileBytes"] = "32768",
        }, log);
        var outbox = agent.Services.GetRequiredService<ReportOutbox>();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await agent.StartAsync(limit.Token);
        try
        {
            while (outbox.Dropped == 0)
            {
                await Task.Delay(100, limit.Token); // the aggregator is down: the outbox fills its 64 KiB
            }

            var pollsAtFull = AgentCounters.Polls;
            var pending = outbox.Count;
            await Task.Delay(2000, limit.Token);
            Assert.True(AgentCounters.Polls > pollsAtFull + 12, "polling stopped when the outbox was full");
            Assert.Contains(log.Lines, l => l.Contains("could not be written to the outbox", StringComparison.Ordinal));

            await using var aggregator = await AggregatorHost.StartAsync(minAgents: 1, Path.Combine(directory, "aggregator"), port);
            var dropped = outbox.Dropped;
            while (TestProcesses.StoredSequences(Path.Combine(directory, "aggregator", "aggregator.db"), "disk").Count < pending + 5)
            {
                await Task.Delay(200, limit.Token); // drains, then new windows are written and delivered again
            }

            Assert.True(outbox.Dropped >= dropped);
            Assert.True(dropped > 0);
        }
        finally
        {
            await agent.StopAsync(CancellationToken.None);
        }
    }
}
