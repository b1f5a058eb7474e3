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

    [Fact]
    public void ThreeToOne_MatchesHandComputedValuesOfEveryMetric()
    {
        var s = Of(("a", 3), ("b", 1));

        Assert.Equal(6250, s.Hhi, 9);
        Assert.Equal(1.6, s.EffectiveEntities, 9);
        Assert.Equal(1, s.NakamotoCoefficient);
        Assert.Equal(1, s.Tau66); // 0.75 > 0.66
        Assert.Equal(0.25, s.Gini, 9); // ((2·1−3)·1 + (2·2−3)·3) / (2·4)
        Assert.Equal(0.811278124, s.Entropy, 8); // −(¾ log2 ¾ + ¼ log2 ¼)
        Assert.Equal(1, s.Renyi0, 9);
        Assert.Equal(0.6780719051, s.Renyi2, 9); // −log2(0.625)
        Assert.Equal(0.415037499, s.RenyiInfinity, 8); // −log2(0.75)
        Assert.Equal(0.130812035, s.Theil, 8); // ln 2 − H·ln 2
        Assert.Equal("highly concentrated", s.HhiBand2010);
        Assert.True(s.HighlyConcentrated2023);
    }

    [Fact]
    public void Ties_AreOrderedByName_AndLeaveGiniAtZero()
    {
        var s = Of(("d", 2), ("b", 2), ("a", 2), ("c", 2));

        Assert.Equal(["a", "b", "c", "d"], s.Shares.Select(e => e.Entity));
        Assert.Equal(0, s.Gini, 12);
        Assert.Equal(2, s.Entropy, 12);
        Assert.Equal(3, s.Tau66); // 0.5 then 0.75
        Assert.Equal(0, s.Theil, 12);
        Assert.Equal("moderately concentrated", s.HhiBand2010); // 2500 is the top of the moderate band
    }

    [Fact]
    public void SingleEntity_HasNoInequalityAndNoEntropy()
    {
        var s = Of(("a", 144));

        Assert.Equal((1, 1, 0.0, 0.0, 0.0), (s.NakamotoCoefficient, s.Tau66, s.Gini, s.Entropy, s.Theil));
    }

    [Fact]
    public void Empty_GivesZeros_NotNaN()
    {
        var s = ConcentrationSummary.Empty;

        Assert.All(new[] { s.Hhi, s.EffectiveEntities, s.Gini, s.Entropy, s.Renyi0, s.Renyi2, s.RenyiInfinity, s.Theil }, v => Assert.Equal(0, v));
        Assert.Equal((0, 0), (s.NakamotoCoefficient, s.Tau66));
    }

    [Fact]
    public void UnknownDominatedWindow_KeepsUnknownAsTheTopEntity()
    {
        var s = Of(("unknown", 90), ("antpool", 5), ("foundryusa", 5));

        Assert.Equal("unknown", s.Shares[0].Entity);
        Assert.Equal(0.9, s.Cr1, 12);
        Assert.Equal(3, s.Shares.Count);
    }

    [Fact]
    public void WilsonInterval_MatchesTheTextbookValue()
    {
        var interval = ConcentrationMetrics.Wilson(0.5, 100);

        Assert.Equal(0.40383, interval.Low, 4);
        Assert.Equal(0.59617, interval.High, 4);
    }

    [Fact]
    public void BlockIntervals_ContainTheEstimate_AndNarrowWithMoreBlocks()
    {
        static ConcentrationSummary Blocks(int scale) =>
            ConcentrationMetrics.Summarise([KeyValuePair.Create("a", 40.0 * scale), KeyValuePair.Create("b", 30.0 * scale), KeyValuePair.Create("c", 30.0 * scale)], counts: true);

        var day = Blocks(1);
        var month = Blocks(30);

        Assert.InRange(day.Hhi, day.Intervals!.Hhi.Low, day.Intervals.Hhi.High);
        Assert.InRange(day.Cr2, day.Intervals.Top2.Low, day.Intervals.Top2.High);
        Assert.True(month.Intervals!.Hhi.High - month.Intervals.Hhi.Low < (day.Intervals.Hhi.High - day.Intervals.Hhi.Low) / 5);
        Assert.Null(Of(("a", 1)).Intervals); // hashrate sums are not counts: no interval
    }
}
