using EdgeFed.Agent;
using EdgeFed.Agent.Emulator;
using EdgeFed.Agent.Extensions;
using EdgeFed.Agent.Outbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
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
        var farmOptions = new FarmOptions { Miners = 12, Seed = 9, BaseAddress = "127.101.1.1", Port = 0, HttpPort = 0 };
        await using var farm = FarmEmulator.Start(FarmPlanner.Plan(farmOptions), farmOptions, TimeProvider.System);
        var manifest = Path.Combine(directory, "farm.json");
        await File.WriteAllTextAsync(manifest, Agent.Cli.CliJson.Serialize(farm.Miners.Select(m => new { m.Endpoint.Host, m.Endpoint.Port, m.Miner.Family })));
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        var log = new CollectingLoggerProvider();
        builder.Logging.AddProvider(log);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agent:AgentId"] = "disk", ["Agent:Region"] = "CA", ["Agent:AggregatorUrl"] = $"http://127.0.0.1:{port}",
            ["Agent:EnrolmentToken"] = AggregatorHost.Token, ["Agent:StateDirectory"] = Path.Combine(directory, "agent"),
            ["Agent:Window"] = "00:00:01", ["Agent:Polling:Interval"] = "00:00:00.250", ["Agent:Polling:RequestTimeout"] = "00:00:00.500",
            ["Agent:Polling:ManifestFile"] = manifest, ["Agent:Outbox:DrainRatePerSecond"] = "100", ["Agent:Outbox:MaxFileBytes"] = "32768",
        });
        builder.AddEdgeAgent();
        using var agent = builder.Build();
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
