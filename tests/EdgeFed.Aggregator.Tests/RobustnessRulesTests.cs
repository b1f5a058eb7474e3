using EdgeFed.Aggregator.Alerts;
using EdgeFed.Aggregator.Concentration;
using Xunit;

namespace EdgeFed.Aggregator.Tests;

/// <summary>The pure rules for lying agents, many node agents and alerts.</summary>
public sealed class RobustnessRulesTests
{
    [Fact]
    public void AgentWeightCap_CutsTheAgentThatOutweighsTheRest_AndNamesIt()
    {
        var capped = AgentWeightCap.Apply(
            [new("antpool", "liar", 1_000_000), new("antpool", "a", 300), new("antpool", "b", 200), new("foundry", "solo", 500)], maxWeight: 0.5);

        var antpool = capped.Single(e => e.Entity == "antpool");
        Assert.Equal(300 + 200 + 500, antpool.Value, 9); // the liar is cut to the sum of the others
        Assert.Equal(["liar"], antpool.CappedAgents);
        Assert.Equal(3, antpool.Agents);
        Assert.Equal(500, capped.Single(e => e.Entity == "foundry").Value, 9); // one agent: left to k-anonymity
    }

    [Fact]
    public void AgentWeightCap_OfOne_CapsNothing()
    {
        var capped = AgentWeightCap.Apply([new("x", "a", 100), new("x", "b", 1)], maxWeight: 1);

        Assert.Equal(101, capped.Single().Value, 9);
        Assert.Empty(capped.Single().CappedAgents);
    }

    [Fact]
    public void BlockMerger_CountsEachHashOnce_PrefersTheStrongerRule_ThenTheMajority()
    {
        var merged = BlockMerger.Merge(
        [
            new("h1", 100, "antpool", "tag", 1, "n1"), new("h1", 100, "antpool", "tag", 1, "n2"), new("h1", 100, "binancepool", "address", 1, "n3"),
            new("h2", 101, "foundryusa", "tag", 2, "n1"), new("h2", 101, "foundryusa", "tag", 2, "n2"), new("h2", 101, "luxor", "tag", 2, "n3"),
            new("h3", 102, "viabtc", "address", 3, "n1"),
        ]);

        Assert.Equal(["h1", "h2", "h3"], merged.Select(b => b.Hash));
        Assert.Equal(("binancepool", true, 3), (merged[0].Pool, merged[0].Disputed, merged[0].Observers)); // address beats a tag majority
        Assert.Equal(("foundryusa", true), (merged[1].Pool, merged[1].Disputed)); // same rule: the majority
        Assert.False(merged[2].Disputed);
    }

    private static List<MergedBlock> Blocks(params string[] pools) =>
        pools.Select((p, i) => new MergedBlock($"h{i}", 1000 + i, p, "tag", i, 1, false)).ToList();

    private static string[] Repeat(params (string Pool, int Count)[] parts) => parts.SelectMany(p => Enumerable.Repeat(p.Pool, p.Count)).ToArray();

    [Fact]
    public void Alerts_RaiseShareCr2NakamotoAndRuns_WhenTheIntervalsClearTheThresholds_WithEvidence()
    {
        // 100 blocks: a 60 (a run of 6 first), b 25, c 15; before: five pools at 20 each.
        var current = Blocks(Repeat(("a", 6), ("b", 1), ("a", 54), ("b", 24), ("c", 15)));
        var previous = Blocks(Repeat(("a", 20), ("b", 20), ("c", 20), ("d", 20), ("e", 20)));

        var alerts = AlertRules.OnBlocks(current, previous, "2026-11-22", new AlertOptions { MinBlocks = 72 }).ToList();

        var share = Assert.Single(alerts, a => a.Kind == "pool_share");
        Assert.Equal("a", share.Subject);
        using var evidence = System.Text.Json.JsonDocument.Parse(share.EvidenceJson);
        Assert.Equal(0.6, evidence.RootElement.GetProperty("share").GetDouble(), 9);
        Assert.InRange(evidence.RootElement.GetProperty("low").GetDouble(), 0.50, 0.51); // Wilson, n = 100
        Assert.Contains(alerts, a => a.Kind == "cr2" && a.Subject == "network");
        Assert.Contains(alerts, a => a.Kind == "nakamoto_drop" && a.EvidenceJson.Contains("\"previous\":3", StringComparison.Ordinal));
        var run = Assert.Single(alerts, a => a.Kind == "block_run" && a.Period == "1000-1005");
        using var runEvidence = System.Text.Json.JsonDocument.Parse(run.EvidenceJson);
        Assert.Equal(Math.Pow(0.2, 6), runEvidence.RootElement.GetProperty("probability").GetDouble(), 12); // at a's 20 % of the preceding window
        Assert.Equal("preceding window", runEvidence.RootElement.GetProperty("shareBasis").GetString());
    }

    [Fact]
    public void Alerts_AShareAboveTheThreshold_ButNotItsInterval_RaisesNothing()
    {
        // 3 of 4 blocks is 75 %, but its 95 % interval reaches down to 30 %.
        var alerts = AlertRules.OnBlocks(Blocks("a", "a", "b", "a"), [], "2026-11-22", new AlertOptions { MinBlocks = 1 }).ToList();

        Assert.DoesNotContain(alerts, a => a.Kind is "pool_share" or "cr2");
    }

    [Fact]
    public void Alerts_FewerBlocksThanTheMinimum_RaiseNoShareAlert()
    {
        var alerts = AlertRules.OnBlocks(Blocks(Repeat(("a", 60), ("b", 10))), [], "2026-11-22", new AlertOptions { MinBlocks = 72 }).ToList();

        Assert.DoesNotContain(alerts, a => a.Kind is "pool_share" or "cr2");
        Assert.Contains(AlertRules.OnBlocks(Blocks(Repeat(("a", 60), ("b", 10))), [], "2026-11-22", new AlertOptions { MinBlocks = 70 }), a => a.Kind == "pool_share");
    }

    [Fact]
    public void Alerts_ARunBrokenByAHeightGap_IsNotARun()
    {
        var blocks = Enumerable.Range(0, 6).Select(i => new MergedBlock($"h{i}", 1000 + i + (i >= 3 ? 1 : 0), "a", "tag", i, 1, false)).ToList();

        Assert.Empty(AlertRules.Runs(blocks, [], 6));
    }

    [Fact]
    public void Alerts_RegionDrop_BeyondThePercentage()
    {
        var alerts = AlertRules.OnRegions(
            new Dictionary<string, double> { ["CA"] = 600, ["NO"] = 950 }, new Dictionary<string, double> { ["CA"] = 1000, ["NO"] = 1000, ["KZ"] = 500 }, "2026-11-22T10",
            new AlertOptions { RegionDropPercent = 30 }).ToList();

        Assert.Equal(["CA", "KZ"], alerts.Select(a => a.Subject).Order());
        Assert.All(alerts, a => Assert.Equal("region_drop", a.Kind));
    }
}
