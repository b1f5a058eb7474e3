using EdgeFed.Agent.Aggregation;
using EdgeFed.Protocol.V1;
using Microsoft.Extensions.Options;
using Xunit;

namespace EdgeFed.Agent.Tests.Aggregation;

/// <summary>Local differential privacy: off by default; on, Laplace noise of scale sensitivity/ε, clamped at zero.</summary>
public sealed class LaplaceNoiseTests
{
    private static AggregateCell Cell() => new() { MinerCount = 40, HashrateThs = 8000, PowerW = 120_000, PowerReportingMiners = 30, AcceptedShares = 50_000 };

    [Fact]
    public void Off_ByDefault_LeavesCellsExact()
    {
        var cell = Cell();

        new LaplaceNoise(Options.Create(new PrivacyOptions())).Apply(cell);

        Assert.Equal(Cell(), cell);
    }

    [Fact]
    public void Samples_HaveMeanZero_AndMeanAbsoluteValueEqualToTheScale()
    {
        var noise = new LaplaceNoise(Options.Create(new PrivacyOptions { Epsilon = 0.5 }), new Random(42));

        var draws = Enumerable.Range(0, 40_000).Select(_ => noise.Sample(600)).ToList();

        Assert.InRange(draws.Average(), -15, 15); // standard error of the mean: 600·√2/√40000 ≈ 4.2
        Assert.InRange(draws.Average(Math.Abs), 600 * 0.97, 600 * 1.03); // E|X| = b for Laplace(0, b)
    }

    [Fact]
    public void On_NoisesEverySum_AndNeverGoesNegative()
    {
        var noise = new LaplaceNoise(Options.Create(new PrivacyOptions { Epsilon = 0.01 }), new Random(7));
        var changed = 0;
        for (var i = 0; i < 200; i++)
        {
            var cell = Cell();
            noise.Apply(cell);
            Assert.True(cell.HashrateThs >= 0 && cell.PowerW >= 0);
            changed += cell.HashrateThs != 8000 && cell.PowerW != 120_000 && cell.AcceptedShares != 50_000 ? 1 : 0;
        }

        Assert.Equal(200, changed);
    }
}
