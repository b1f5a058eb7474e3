using EdgeFed.Aggregator.Concentration;
using Xunit;

namespace EdgeFed.Aggregator.Tests;

public sealed class ConcentrationMetricsTests
{
    private static ConcentrationSummary Of(params (string Name, double Value)[] values) =>
        ConcentrationMetrics.Summarise(values.Select(v => KeyValuePair.Create(v.Name, v.Value)));

    [Fact]
    public void Monopoly_HasHhi10000_AndNakamoto1()
    {
        var summary = Of(("a", 7));

        Assert.Equal(10_000, summary.Hhi, 9);
        Assert.Equal(1, summary.NakamotoCoefficient);
        Assert.Equal(1, summary.EffectiveEntities, 9);
    }

    [Fact]
    public void FourEqualEntities_HaveHhi2500_AndFourEffectiveEntities()
    {
        var summary = Of(("a", 1), ("b", 1), ("c", 1), ("d", 1));

        Assert.Equal(2500, summary.Hhi, 9);
        Assert.Equal(4, summary.EffectiveEntities, 9);
        Assert.Equal(0.5, summary.Cr2, 9);
        Assert.Equal(3, summary.NakamotoCoefficient); // exactly 50% is not more than half
    }

    [Fact]
    public void SharesAreSortedDescending_AndCrNSumsTheTopN()
    {
        var summary = Of(("small", 5), ("big", 50), ("mid", 20), ("tiny", 1), ("x", 10), ("y", 9), ("z", 5));

        Assert.Equal(["big", "mid", "x", "y", "small", "z", "tiny"], summary.Shares.Select(s => s.Entity));
        Assert.Equal(0.5, summary.Cr1, 9);
        Assert.Equal(0.89, summary.Cr4, 9);
        Assert.Equal(0.99, summary.Cr6, 9);
        Assert.Equal(2, summary.NakamotoCoefficient);
    }

    [Fact]
    public void Hhi_IsSumOfSquaredPercentShares()
    {
        var summary = Of(("a", 60), ("b", 30), ("c", 10));

        Assert.Equal(3600 + 900 + 100, summary.Hhi, 9);
    }

    [Fact]
    public void EmptyDistribution_HasNoShares()
    {
        var summary = Of();

        Assert.Empty(summary.Shares);
        Assert.Equal(0, summary.Hhi);
        Assert.Equal(0, summary.NakamotoCoefficient);
    }
}
