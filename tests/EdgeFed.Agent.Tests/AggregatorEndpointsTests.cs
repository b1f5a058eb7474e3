using EdgeFed.Agent.Uplink;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace EdgeFed.Agent.Tests;

/// <summary>How an agent picks among aggregator replicas: spread by its id, next on failure, back after a while.</summary>
public sealed class AggregatorEndpointsTests
{
    private static readonly string[] Replicas = ["http://a:50051", "http://b:50051", "http://c:50051"];

    [Fact]
    public void AFleet_SpreadsEvenly_AndEachAgentAlwaysPrefersTheSameReplica()
    {
        var time = new FakeTimeProvider();
        var preferred = Enumerable.Range(0, 3000).Select(i => new AggregatorEndpoints(Replicas, $"farm-{i}", TimeSpan.FromMinutes(5), time).Preferred).ToList();

        Assert.All(preferred.GroupBy(p => p), g => Assert.InRange(g.Count(), 850, 1150));
        Assert.Equal(preferred, Enumerable.Range(0, 3000).Select(i => new AggregatorEndpoints(Replicas, $"farm-{i}", TimeSpan.FromMinutes(5), time).Preferred));
    }

    [Fact]
    public void AFailure_MovesToTheNext_AndTheAgentReturnsOnlyAfterReturnAfter()
    {
        var time = new FakeTimeProvider();
        var endpoints = new AggregatorEndpoints(Replicas, "farm-7", TimeSpan.FromMinutes(5), time);
        var home = endpoints.Current;

        endpoints.Failover();
        var away = endpoints.Current;
        time.Advance(TimeSpan.FromMinutes(4));
        var tooSoon = endpoints.ShouldReturn;
        time.Advance(TimeSpan.FromMinutes(1));
        var due = endpoints.ShouldReturn;
        endpoints.Return();

        Assert.NotEqual(home, away);
        Assert.Equal(Replicas[(endpoints.Preferred + 1) % 3], away);
        Assert.False(tooSoon);
        Assert.True(due);
        Assert.Equal(home, endpoints.Current);
        Assert.False(endpoints.ShouldReturn);
    }

    [Fact]
    public void Backoff_GrowsOnlyOnceEveryReplicaFailedInTurn()
    {
        var endpoints = new AggregatorEndpoints(Replicas, "farm-1", TimeSpan.FromMinutes(5), new FakeTimeProvider());
        var single = new AggregatorEndpoints(["http://a:50051"], "farm-1", TimeSpan.FromMinutes(5), new FakeTimeProvider());

        Assert.Equal([1, 1, 1, 2, 2, 2, 3], Enumerable.Range(1, 7).Select(endpoints.Round));
        Assert.Equal([1, 2, 3], Enumerable.Range(1, 3).Select(single.Round));
    }
}
