using EdgeFed.Protocol.V1;
using Google.Protobuf.WellKnownTypes;

namespace EdgeFed.Aggregator.Tests;

/// <summary>Reports for tests: a one-minute window that ended a minute ago.</summary>
internal static class ReportBuilder
{
    public static AggregateReport Report(string agent, ulong sequence, params AggregateCell[] cells)
    {
        var end = DateTimeOffset.UtcNow.AddMinutes(-1);
        var report = new AggregateReport
        {
            AgentId = agent,
            Sequence = sequence,
            WindowStart = Timestamp.FromDateTimeOffset(end.AddMinutes(-1)),
            WindowEnd = Timestamp.FromDateTimeOffset(end),
            Region = "CA",
            Kind = AgentKind.Farm,
            SoftwareVersion = "test",
        };
        report.Cells.AddRange(cells);
        return report;
    }

    public static AggregateCell Cell(string pool, double hashrateThs, uint miners = 10) => new()
    {
        Key = new CellKey { Pool = pool, TemplateProvider = pool, Vendor = "Bitmain", Model = "S19 Pro", Health = HealthClass.Healthy },
        MinerCount = miners,
        HashrateThs = hashrateThs,
        MeanConfidence = 0.9,
    };
}
