using EdgeFed.Aggregator.Storage;
using EdgeFed.Protocol.V1;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static EdgeFed.Aggregator.Tests.ReportBuilder;
using static EdgeFed.Aggregator.Tests.ScaleOut.TierTests;

namespace EdgeFed.Aggregator.Tests.ScaleOut;

/// <summary>
/// The drill of issue 16: a regional aggregator is cut off from the global one for a while (the global one is down)
/// while its agents go on reporting. Its outbox keeps the closed windows; when the global one is back it catches up,
/// and every window arrives exactly once (sequence = window start), none lost, none doubled.
/// </summary>
public sealed class TierCutOffDrillTests
{
    [Fact]
    public async Task RegionalCutOffFromGlobal_CatchesUpAfterwards_WithNoWindowLostOrDoubled()
    {
        var global = await AggregatorHost.StartAsync(minAgents: 1, settings: GlobalSettings);
        var (directory, port) = (global.Directory, global.Address.Port);
        await using var regional = await AggregatorHost.StartAsync(minAgents: 2, settings: RegionalSettings(global, "region-ca", "CA"));
        foreach (var farm in new[] { "ca-1", "ca-2" })
        {
            await SendAsync(regional, farm, AgentKind.Farm, RegionalWindows(0, 3).Select(w => At(Report(farm, 0, Cell("foundryusa", 100)), w)));
        }

        await WaitForwardedAsync(regional, 3);
        await global.DisposeAsync(); // cut off

        foreach (var farm in new[] { "ca-3", "ca-4" })
        {
            await SendAsync(regional, farm, AgentKind.Farm, RegionalWindows(3, 4).Select(w => At(Report(farm, 0, Cell("antpool", 70)), w)));
        }

        var store = regional.Services.GetRequiredService<ReportStore>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while ((await store.UpstreamProgressAsync(timeout.Token)).Built < 7)
        {
            await Task.Delay(100, timeout.Token); // the windows close and wait in the outbox
        }

        await Task.Delay(1000, timeout.Token); // a few failed sends while cut off
        var whileCutOff = await store.UpstreamProgressAsync(timeout.Token);
        await using var back = await AggregatorHost.StartAsync(minAgents: 1, directory: directory, port: port, settings: GlobalSettings);
        await WaitForwardedAsync(regional, 7);

        var forwarded = (await back.Client.ListAgentsAsync(new ListAgentsRequest())).Agents.Single(a => a.AgentId == "region-ca");
        var pools = await back.Client.GetConcentrationAsync(new ConcentrationRequest { Dimension = Dimension.Pool, Basis = Basis.Hashrate });

        Assert.Equal((7L, 3L), whileCutOff);
        Assert.Equal(7ul, forwarded.Reports); // each window once
        Assert.Equal(3 * 200, pools.Shares.Single(s => s.Entity == "foundryusa").Value, 6);
        Assert.Equal(4 * 140, pools.Shares.Single(s => s.Entity == "antpool").Value, 6);
    }
}
