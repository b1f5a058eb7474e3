using EdgeFed.Aggregator.Concentration;
using EdgeFed.Aggregator.Http;
using Xunit;

namespace EdgeFed.Aggregator.Tests;

/// <summary>The pure pieces behind luck, the network hashrate estimate and the weekly buckets, against reference values.</summary>
public sealed class LuckAndNetworkHashrateTests
{
    [Theory]
    [InlineData(0, 0.0, 3.6889)] // exact (Garwood) 95 % Poisson intervals: k ≤ 10 as tabulated, k = 100 computed apart in Python
    [InlineData(1, 0.0253, 5.5716)]
    [InlineData(10, 4.7954, 18.3904)]
    [InlineData(100, 81.3640, 121.6268)]
    public void PoissonInterval_MatchesTheExactTables(long observed, double low, double high)
    {
        var interval = PoissonInterval.Of(observed);

        Assert.Equal(low, interval.Low, 3);
        Assert.Equal(high, interval.High, 3);
    }

    [Fact]
    public void Luck_IsObservedOverExpected_WithTheCountsIntervalScaled()
    {
        var (luck, interval) = PoissonInterval.Luck(10, 20)!.Value;

        Assert.Equal(0.5, luck, 12);
        Assert.Equal(4.7954 / 20, interval.Low, 4);
        Assert.Equal(18.3904 / 20, interval.High, 4);
        Assert.Null(PoissonInterval.Luck(3, 0)); // no federated share: no expectation
    }

    [Fact]
    public void NetworkHashrate_IsTheWorkAfterTheFirstBlockOverTheTimeSpanned()
    {
        // Four blocks of difficulty D, 600 s apart: 3 D 2^32 over 1800 s = D 2^32 / 600.
        var blocks = Enumerable.Range(0, 4).Select(i => new MergedBlock($"h{i}", 100 + i, "p", "tag", 1_000_000 + 600 * i, 1, false, 1.4e14, 3000)).ToList();

        Assert.Equal(1.4e14 * 4294967296.0 / 600, NetworkHashrate.Estimate(blocks), 1.0);
        Assert.Equal(0, NetworkHashrate.Estimate(blocks.Take(1)));
        Assert.Equal(0, NetworkHashrate.Estimate(blocks.Select(b => b with { Difficulty = 0 })));
    }

    [Theory]
    [InlineData("2026-12-01T13:00:00Z", "2026-11-30T00:00:00Z")] // a Tuesday
    [InlineData("2026-11-30T00:00:00Z", "2026-11-30T00:00:00Z")] // Monday midnight itself
    [InlineData("2026-12-06T23:59:59Z", "2026-11-30T00:00:00Z")] // the Sunday after
    public void WeeklyBuckets_StartOnMondayMidnightUtc(string time, string monday)
    {
        var t = DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeSeconds();
        var expected = DateTimeOffset.Parse(monday, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeSeconds();

        Assert.Equal(expected, SeriesApi.BucketOf(t, 604_800));
        Assert.Equal(expected, MempoolApi.WeekOf(t));
    }
}
