using EdgeFed.Aggregator.Ingest;
using EdgeFed.Aggregator.Storage;
using EdgeFed.Protocol.V1;
using Xunit;
using static EdgeFed.Aggregator.Tests.ReportBuilder;

namespace EdgeFed.Aggregator.Tests;

/// <summary>
/// The validator on its own: every numeric field of a cell names itself when it is not a finite, non-negative number,
/// and merged cells are an aggregator's alone. (It checks each field one by one since issue 17; these pin the messages.)
/// </summary>
public sealed class ReportValidatorTests
{
    private static readonly EnrolledAgent Farm = new("farm-1", AgentKind.Farm);
    private static readonly EnrolledAgent Regional = new("farm-1", AgentKind.Aggregator);

    public static TheoryData<string, double> BadNumbers()
    {
        var data = new TheoryData<string, double>();
        foreach (var field in new[] { "hashrate_ths", "power_w", "mean_confidence", "share_hashrate_ths", "share_api_hashrate_ths", "hashrate_seconds" })
        {
            data.Add(field, double.NaN);
            data.Add(field, -1);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BadNumbers))]
    public void ANumberThatIsNotFiniteOrIsNegative_IsNamed(string field, double value)
    {
        var cell = Cell("foundryusa", 100);
        switch (field)
        {
            case "hashrate_ths": cell.HashrateThs = value; break;
            case "power_w": cell.PowerW = value; break;
            case "mean_confidence": cell.MeanConfidence = value; break;
            case "share_hashrate_ths": cell.ShareHashrateThs = value; break;
            case "share_api_hashrate_ths": cell.ShareApiHashrateThs = value; break;
            default: cell.HashrateSeconds = value; break;
        }

        var problem = ReportValidator.Validate(Report("farm-1", 1, Cell("antpool", 50), cell), Farm, new AggregatorOptions(), DateTimeOffset.UtcNow);

        Assert.Equal($"cells[1].{field}: {value} is not a finite, non-negative number.", problem);
    }

    [Fact]
    public void AValidReport_HasNoProblem() =>
        Assert.Null(ReportValidator.Validate(Report("farm-1", 1, Cell("foundryusa", 100), Cell("antpool", 50)), Farm, new AggregatorOptions(), DateTimeOffset.UtcNow));

    [Fact]
    public void AMergedCell_ComesOnlyFromAnAggregator()
    {
        var merged = Cell("foundryusa", 100);
        merged.Agents = 3;

        Assert.StartsWith("kind: merged cells", ReportValidator.Validate(Report("farm-1", 1, Cell("antpool", 50), merged), Farm, new AggregatorOptions(), DateTimeOffset.UtcNow));
        Assert.Null(ReportValidator.Validate(Report("farm-1", 1, Cell("antpool", 50), merged), Regional, new AggregatorOptions(), DateTimeOffset.UtcNow));
    }

    [Fact]
    public void MoreAgentsBehindOneCellThanAny_IsRefused()
    {
        var merged = Cell("foundryusa", 100);
        merged.Agents = ReportValidator.MaxAgentsBehind + 1;

        Assert.StartsWith("agents_behind:", ReportValidator.Validate(Report("farm-1", 1, merged), Regional, new AggregatorOptions(), DateTimeOffset.UtcNow));
    }

    [Fact]
    public void MoreCellsThanOneReportMayHold_IsRefused()
    {
        var report = Report("farm-1", 1);
        for (var i = 0; i <= ReportValidator.MaxCells; i++)
        {
            report.Cells.Add(Cell("foundryusa", 1));
        }

        Assert.Equal($"cells: {ReportValidator.MaxCells + 1} cells, more than the 65536 one report may hold.",
            ReportValidator.Validate(report, Farm, new AggregatorOptions(), DateTimeOffset.UtcNow));
        report.Cells.RemoveAt(0);
        Assert.Null(ReportValidator.Validate(report, Farm, new AggregatorOptions(), DateTimeOffset.UtcNow));
    }
}
