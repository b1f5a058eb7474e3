using System.Text.Json;
using EdgeFed.Aggregator.Replay;
using EdgeFed.Protocol.Domain;
using Xunit;

namespace EdgeFed.Aggregator.Tests;

/// <summary>Replay of the real block labels in ../shared/data/blocks against the reference figures in DESIGN.md.</summary>
public sealed class ReplayTests
{
    private static string BlocksFile => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "shared", "data", "blocks", "blocks-2021-2026.csv.gz"));

    [Fact]
    public void December2023_ReproducesTheReferenceFigures()
    {
        var december = BlockReplay.Run(BlockLabels.Read(BlocksFile), WindowKind.Month).Single(w => w.Window == "2023-12");

        Assert.Equal(4599, december.Blocks);
        Assert.Equal(0.558, december.Summary.Cr2, 3);
        Assert.Equal(0.895, december.Summary.Cr6, 3);
        Assert.Equal(1899, december.Summary.Hhi, 0);
        Assert.Equal(2, december.Summary.NakamotoCoefficient);
        Assert.InRange(december.Summary.Cr2, december.Summary.Intervals!.Top2.Low, december.Summary.Intervals.Top2.High);
    }

    [Fact]
    public void WholeFile_EveryBlockLandsInExactlyOneWindow()
    {
        var labels = BlockLabels.Read(BlocksFile).ToList();

        var days = BlockReplay.Run(labels, WindowKind.Day).ToList();
        var weeks = BlockReplay.Run(labels, WindowKind.Week).ToList();

        Assert.Equal(282_174, labels.Count);
        Assert.Equal(labels.Count, days.Sum(d => d.Blocks));
        Assert.Equal(labels.Count, weeks.Sum(w => w.Blocks));
        Assert.Equal(days.Count, days.Select(d => d.Window).Distinct().Count());
        Assert.Equal("2021-01-02", days[0].Window);
        Assert.Equal("2020-W53", weeks[0].Window); // 2 January 2021 is in ISO week 53 of 2020
    }

    [Fact]
    public void ProxyGrouping_MergesTheAntPoolGroup_AndRaisesConcentration()
    {
        var labels = BlockLabels.Read(BlocksFile).Where(b => b.Date.Year == 2023 && b.Date.Month == 12).ToList();

        var plain = BlockReplay.Run(labels, WindowKind.Month).Single().Summary;
        var grouped = BlockReplay.Run(labels, WindowKind.Month, new ProxyGroups(ProxyGroups.Default)).Single().Summary;

        Assert.Equal("foundryusa", plain.Shares[0].Entity);
        Assert.Equal(ProxyGroups.AntPoolAndFriends, grouped.Shares[0].Entity);
        Assert.True(grouped.Hhi > plain.Hhi);
        Assert.Equal(plain.Total, grouped.Total);
    }

    [Fact]
    public void MciView_AveragesTheLast30Days()
    {
        var days = BlockReplay.Run(BlockLabels.Read(BlocksFile).Where(b => b.Date < new DateOnly(2021, 3, 1)), WindowKind.Day).ToList();

        var mci = MciView.Build(days);

        Assert.Equal(days.Count, mci.Count);
        Assert.Equal(mci[0].TopShares, mci[0].MovingAverage30);
        var expected = mci.Skip(40 - 30 + 1).Take(30).Average(d => d.TopShares[0]);
        Assert.Equal(expected, mci[40].MovingAverage30[0], 12);
    }

    [Fact]
    public void MalformedLine_IsAFormatErrorNamingTheLine()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, "height,pool_slug,date\n800000,foundryusa,2023-08-01\n800001,antpool,yesterday\n");
        try
        {
            var ex = Assert.Throws<FormatException>(() => BlockLabels.Read(file).ToList());
            Assert.Contains("line 3", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task ReplayCommand_PrintsTheWindowContract_AndFailsClearlyOnABadFile()
    {
        var (exit, output, _) = await TestProcesses.RunAggregatorAsync("replay", "--blocks", BlocksFile, "--window", "month");
        var (badExit, _, badOutput) = await TestProcesses.RunAggregatorAsync("replay", "--blocks", "/nonexistent.csv.gz");

        Assert.Equal(0, exit);
        var december = JsonDocument.Parse(output).RootElement.EnumerateArray().Single(w => w.GetProperty("window").GetString() == "2023-12");
        foreach (var key in new[] { "blocks", "top1", "top2", "top4", "top6", "hhi", "effectiveEntities", "nakamoto", "tau66", "gini", "entropy", "theil", "ci" })
        {
            Assert.True(december.TryGetProperty(key, out _), $"missing {key}");
        }

        Assert.Equal(2, december.GetProperty("ci").GetProperty("hhi").GetArrayLength());
        Assert.Equal(2, badExit);
        Assert.Contains("/nonexistent.csv.gz", badOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReplayCommand_MciOut_WritesTheSameIndexAsMci_FromOneRead()
    {
        var file = Path.Combine(Path.GetTempPath(), $"edgefed-mci-{Guid.NewGuid():N}.json");
        try
        {
            var (exit, monthly, _) = await TestProcesses.RunAggregatorAsync("replay", "--blocks", BlocksFile, "--window", "month", "--mci-out", file);
            var (mciExit, mci, _) = await TestProcesses.RunAggregatorAsync("replay", "--blocks", BlocksFile, "--mci");

            Assert.Equal((0, 0), (exit, mciExit));
            Assert.Contains(JsonDocument.Parse(monthly).RootElement.EnumerateArray(), w => w.GetProperty("window").GetString() == "2023-12");
            Assert.Equal(mci.Trim(), (await File.ReadAllTextAsync(file)).Trim());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task EdgefedReplay_PrintsByteForByteWhatTheAggregatorsReplayPrints()
    {
        var (ours, theirs) = (Path.GetTempFileName(), Path.GetTempFileName());
        try
        {
            string[] options = ["--blocks", BlocksFile, "--window", "week", "--group", "proxy"];
            var replay = await TestProcesses.RunAsync(TestProcesses.Replay, [.. options, "--mci-out", ours]);
            var aggregator = await TestProcesses.RunAggregatorAsync(["replay", .. options, "--mci-out", theirs]);
            var (badExit, _, badError) = await TestProcesses.RunAsync(TestProcesses.Replay, "--blocks", "/nonexistent.csv.gz");

            Assert.Equal((0, 0), (replay.Exit, aggregator.Exit));
            Assert.Contains("\"window\":\"2023-W52\"", replay.Stdout, StringComparison.Ordinal);
            Assert.Equal(aggregator.Stdout, replay.Stdout);
            Assert.Equal(await File.ReadAllTextAsync(theirs), await File.ReadAllTextAsync(ours));
            Assert.Equal(2, badExit);
            Assert.StartsWith("edgefed-replay: ", badError, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(ours);
            File.Delete(theirs);
        }
    }
}
