using EdgeFed.Agent.Outbox;
using EdgeFed.Protocol.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;

namespace EdgeFed.Agent.Aggregation;

/// <summary>
/// Builds the report for a closed window: identity, window bounds, region, kind, versions, the window's aggregate
/// cells (none until polling feeds them; only aggregates ever enter a report), and the blocks and template
/// fingerprints the watchers saw.
/// </summary>
public sealed class ReportFactory(IOptions<AgentOptions> options, AgentStateStore state, ObservationBuffer observations)
{
    public static string SoftwareVersion { get; } =
        typeof(ReportFactory).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public AggregateReport Create(DateTimeOffset windowStart, DateTimeOffset windowEnd, IEnumerable<AggregateCell> cells)
    {
        var report = new AggregateReport
        {
            AgentId = options.Value.AgentId,
            Sequence = state.NextSequence(),
            WindowStart = Timestamp.FromDateTimeOffset(windowStart),
            WindowEnd = Timestamp.FromDateTimeOffset(windowEnd),
            Region = options.Value.Region,
            Kind = options.Value.Kind,
            SoftwareVersion = SoftwareVersion,
        };
        report.Cells.AddRange(cells);
        var (blocks, templates) = observations.Drain();
        report.Blocks.AddRange(blocks);
        report.Templates.AddRange(templates);
        return report;
    }
}
