using EdgeFed.Agent.Extensions;
using EdgeFed.Agent.Outbox;
using EdgeFed.Protocol.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace EdgeFed.Aggregator.Tests;

/// <summary>Store-and-forward against the real aggregator: a day-long outage on a fake clock, and a report the aggregator refuses.</summary>
public sealed class OutboxDeliveryTests
{
    private static IHost BuildAgent(Uri aggregator, string state, Dictionary<string, string?> extra, TimeProvider? clock = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agent:AgentId"] = "outbox-test", ["Agent:Region"] = "CA", ["Agent:AggregatorUrl"] = aggregator.ToString(),
            ["Agent:EnrolmentToken"] = AggregatorHost.Token, ["Agent:StateDirectory"] = state,
        });
        builder.Configuration.AddInMemoryCollection(extra);
        builder.AddEdgeAgent();
        if (clock is not null)
        {
            builder.Services.AddSingleton(clock);
        }

        return builder.Build();
    }

    [Fact]
    public async Task AggregatorDownForADay_ThenUp_EveryReportArrivesOnce_InOrder()
    {
        var port = TestProcesses.FreePort();
        var directory = Directory.CreateTempSubdirectory("edgefed-outage-").FullName;
        var start = DateTimeOffset.UtcNow.AddDays(-1).AddHours(-1);
        var clock = new FakeTimeProvider(start.AddTicks(-(start.UtcTicks % TimeSpan.FromMinutes(5).Ticks)));
        using var agent = BuildAgent(new Uri($"http://127.0.0.1:{port}"), Path.Combine(directory, "agent"), new()
        {
            ["Agent:Window"] = "00:05:00", ["Agent:Outbox:DrainRatePerSecond"] = "100",
        }, clock);
        var outbox = agent.Services.GetRequiredService<ReportOutbox>();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await agent.StartAsync(limit.Token);

        // A day with the aggregator unreachable: 288 five-minute windows pile up in the outbox.
        while (clock.GetUtcNow() < start.AddDays(1))
        {
            var before = outbox.Count;
            clock.Advance(TimeSpan.FromMinutes(5));
            for (var i = 0; i < 200 && outbox.Count == before; i++)
            {
                await Task.Delay(5, limit.Token);
            }
        }

        var queued = outbox.Count;
        await using var aggregator = await AggregatorHost.StartAsync(minAgents: 1, Path.Combine(directory, "aggregator"), port);
        while (outbox.Count > 0)
        {
            clock.Advance(TimeSpan.FromMilliseconds(50)); // retry backoff and pacing run on the fake clock
            await Task.Delay(2, limit.Token);
        }

        await agent.StopAsync(limit.Token);
        var stored = TestProcesses.StoredSequences(Path.Combine(aggregator.Directory, "aggregator.db"), "outbox-test");
        Assert.True(queued >= 280, $"only {queued} reports queued during the outage");
        Assert.Equal(stored.Distinct().Count(), stored.Count);
        Assert.Equal(stored.Order(), stored); // arrival order = sequence order
        Assert.Equal(Enumerable.Range(1, stored.Count).Select(i => (long)i), stored); // none lost
        Assert.Equal(0, outbox.Dropped);
    }

    [Fact]
    public async Task ReportTheAggregatorRefuses_IsSetAside_AndTheQueueMovesOn()
    {
        await using var aggregator = await AggregatorHost.StartAsync(minAgents: 1);
        using var agent = BuildAgent(aggregator.Address, Path.Combine(aggregator.Directory, "agent"), new()
        {
            ["Agent:Window"] = "00:00:01", ["Agent:MaxReports"] = "3", ["Agent:Outbox:DrainRatePerSecond"] = "50",
        });
        var state = agent.Services.GetRequiredService<AgentStateStore>();
        var bad = new AggregateReport
        {
            AgentId = "outbox-test", Sequence = state.NextSequence(), Region = "CA", Kind = AgentKind.Farm,
            WindowStart = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-2)), WindowEnd = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)),
            Cells = { new AggregateCell { Key = new CellKey { Pool = "antpool", Vendor = "Bitmain", Model = "Antminer S21", Health = HealthClass.Healthy }, MinerCount = 1, HashrateThs = -5 } },
        };
        agent.Services.GetRequiredService<ReportOutbox>().Enqueue(bad);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        await agent.RunAsync(limit.Token);

        var stored = TestProcesses.StoredSequences(Path.Combine(aggregator.Directory, "aggregator.db"), "outbox-test");
        Assert.DoesNotContain((long)bad.Sequence, stored);
        Assert.Equal(3, stored.Count);
        Assert.All(stored, s => Assert.True(s > (long)bad.Sequence));
        using var db = new SqliteConnection($"Data Source={Path.Combine(aggregator.Directory, "agent", ReportOutbox.FileName)};Pooling=false");
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = "SELECT reason FROM rejected";
        Assert.Contains("hashrate_ths", (string)command.ExecuteScalar()!, StringComparison.Ordinal);
    }
}
