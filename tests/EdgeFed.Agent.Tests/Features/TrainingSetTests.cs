using EdgeFed.Emulator;
using EdgeFed.Agent.Features;
using EdgeFed.Emulator.Training;
using EdgeFed.Agent.Tests.Collectors;
using Xunit;

namespace EdgeFed.Agent.Tests.Features;

/// <summary>The training sets: reproducible from a seed (a manual clock drives the farm), and the real sets complete.</summary>
public sealed class TrainingSetTests
{
    private static async Task<(string Health, string Hardware)> GenerateAsync(string baseAddress)
    {
        var options = new FarmOptions { Miners = 24, Seed = 5, FaultyFraction = 0.8, BaseAddress = baseAddress, Port = 0, HttpPort = 0, V3Port = 0, GrpcPort = 0, Ramp = TimeSpan.FromMinutes(1) };
        using var health = new StringWriter();
        using var hardware = new StringWriter();
        await TrainingSetWriter.WriteEmulatedAsync(health, hardware, options, polls: 9, CancellationToken.None, TimeSpan.FromSeconds(1));
        return (health.ToString(), hardware.ToString());
    }

    [Fact]
    public async Task EmulatedTrainingSet_IsTheSameForTheSameSeed_OnAnyAddressesAndPorts()
    {
        var first = await GenerateAsync("127.95.1.1");
        var second = await GenerateAsync("127.96.1.1");

        Assert.Equal(24 * (9 - MinerFeatures.WindowSize + 1) + 1, first.Health.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(first.Health, second.Health);
        Assert.Equal(first.Hardware, second.Hardware);
        Assert.Contains(",healthy", first.Health, StringComparison.Ordinal);
        Assert.Matches(",(overheating|hashboard_fault|fan_fault|underperforming|curtailed|offline)\r?\n", first.Health);
    }

    [Fact]
    public async Task RealSets_HoldEveryLabelledReply_AndEveryRealCoinbase()
    {
        using var health = new StringWriter();
        using var hardware = new StringWriter();
        using var pools = new StringWriter();

        await TrainingSetWriter.WriteRealRepliesAsync(health, hardware, RealReplies.Root);
        var coinbases = await TrainingSetWriter.WriteRealCoinbasesAsync(pools, Path.Combine(RealReplies.Root, "..", "blocks", "coinbase-sample.jsonl"),
            Agent.Attribution.PoolCatalog.Load(Attribution.RealCoinbases.CatalogPath));

        Assert.Equal(RealReplyLabels.All.Count(r => r.Health is not null) + 1, health.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(RealReplyLabels.All.Count + 1, hardware.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(13, coinbases);
        Assert.Contains(",tag,507715,gbminers", pools.ToString(), StringComparison.Ordinal);
    }
}
