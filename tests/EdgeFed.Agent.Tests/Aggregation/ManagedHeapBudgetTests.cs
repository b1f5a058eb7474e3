using EdgeFed.Agent.Aggregation;
using Xunit;

namespace EdgeFed.Agent.Tests.Aggregation;

/// <summary>The heap a miner list needs against the unit's 32 MiB limit, and the value the warning suggests.</summary>
public sealed class ManagedHeapBudgetTests
{
    private const long UnitLimit = 32L << 20;

    [Theory]
    [InlineData(1)]
    [InlineData(1000)] // the measured fleet
    [InlineData(1536)]
    public void Needed_FitsTheUnitsLimit_UpTo1536Miners(int miners) => Assert.True(ManagedHeapBudget.Needed(miners) <= UnitLimit);

    [Fact]
    public void Needed_ExceedsTheUnitsLimit_Above1536Miners() => Assert.True(ManagedHeapBudget.Needed(1537) > UnitLimit);

    [Theory]
    [InlineData(2000, "2800000")] // 8 MiB + 31.25 MiB, rounded up to 40 MiB
    [InlineData(1536, "2000000")] // exactly 32 MiB
    [InlineData(0, "800000")]
    public void SuggestedLimit_IsWholeMiBInTheUnitsNotation(int miners, string hex) => Assert.Equal(hex, ManagedHeapBudget.SuggestedLimit(miners));
}
