using EdgeFed.Aggregator.Storage;
using EdgeFed.Protocol.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace EdgeFed.Aggregator.Tests;

/// <summary>The roll-ups change how a range is read, never what it adds up to: before, after, and with late reports.</summary>
public class RollupTests
{
    /// <summary>The store under test; the PostgreSQL run derives from this class.</summary>
    protected virtual TestStore Store => TestStore.Sqlite;

    [Theory]
    [InlineData(0, 1000, new[] { 600L, 0, 600, 0, 600, 1000 })]
    [InlineData(3000, 180_000, new[] { 600L, 3000, 3600, 3600, 3600, 86_400, 86_400, 86_400, 172_800, 3600, 172_800, 180_000 })]
    [InlineData(3001, 180_001, new[] { 0L, 3001, 3600, 3600, 3600, 86_400, 86_400, 86_400, 172_800, 3600, 172_800, 180_000, 0, 180_000, 180_001 })]
    [InlineData(86_400, 172_800, new[] { 86_400L, 86_400, 172_800 })]
    public void Plan_CoversTheRangeExactly_CoarsestInside_FinestAtTheEdges(long from, long to, long[] expected)
    {
        var segments = RollupPlan.For(from, to);

        Assert.Equal(expected, segments.SelectMany(s => new[] { s.Level, s.From, s.To }));
        Assert.Equal(from, segments[0].From);
        Assert.Equal(to, segments[^1].To);
        Assert.All(segments.Zip(segments.Skip(1)), p => Assert.Equal(p.First.To, p.Second.From));
    }

    [Fact]
    public void Plan_ForAnHourlySeries_UsesNoDayRollup()
    {
        Assert.DoesNotContain(RollupPlan.For(0, 10 * 86_400, coarsest: 3600), s => s.Level == 86_400);
    }

    [Fact]
    public async Task Queries_AnswerTheSame_BeforeAndAfterRollingUp_AndWithLateReportsIntoRolledBuckets()
    {
        await using var host = await AggregatorHost.StartAsync(store: Store, minAgents: 1, settings: new() { ["Aggregator:RollupEvery"] = "01:00:00" });
        var store = host.Services.GetRequiredService<ReportStore>();
        var now = DateTimeOffset.UtcNow;
        var reports = new List<AggregateReport>();
        ulong sequence = 0;
        // Three agents, windows of 5 minutes spread over the last three days, at times that cross hour and day edges.
        for (var minute = 3 * 24 * 60; minute > 5; minute -= 47)
        {
            foreach (var agent in new[] { "a1", "a2", "a3" })
            {
                var start = now.AddMinutes(-minute);
                var report = ReportBuilder.Report(agent, ++sequence, ReportBuilder.Cell(minute % 2 == 0 ? "foundryusa" : "antpool", minute / 10.0));
                (report.WindowStart, report.WindowEnd, report.Region) = (Timestamp.FromDateTimeOffset(start), Timestamp.FromDateTimeOffset(start.AddMinutes(5)), agent == "a3" ? "NO" : "CA");
                report.Cells[0].ShareCount = 100;
                report.Cells[0].ShareHashrateThs = minute / 10.0;
                report.Cells[0].ShareApiHashrateThs = minute / (agent == "a2" ? 5.0 : 10.0);
                reports.Add(report);
            }
        }

        Task<string> SnapshotAsync() => StoreSnapshot.TakeAsync(store, now);

        foreach (var report in reports.Take(reports.Count - 30))
        {
            await store.StoreAsync(report, now, default);
        }

        var raw = await SnapshotAsync();
        Assert.True(await store.RollUpAsync(25, default) == 25); // part rolled: the rest still raw
        var partly = await SnapshotAsync();
        while (await store.RollUpAsync(1000, default) > 0)
        {
        }

        var rolled = await SnapshotAsync();
        foreach (var late in reports.TakeLast(30))
        {
            await store.StoreAsync(late, now, default); // into buckets that are rolled already
        }

        var withLateRaw = await SnapshotAsync();
        while (await store.RollUpAsync(7, default) > 0)
        {
        }

        var withLateRolled = await SnapshotAsync();

        Assert.Contains("foundryusa", raw, StringComparison.Ordinal);
        Assert.Equal(raw, partly);
        Assert.Equal(raw, rolled);
        Assert.NotEqual(raw, withLateRaw);
        Assert.Equal(withLateRaw, withLateRolled);
    }
}

/// <summary>The same tests against a real PostgreSQL server.</summary>
public sealed class RollupTestsOnPostgres : RollupTests
{
    protected override TestStore Store => TestStore.Postgres;
}
