using EdgeFed.Agent.Inference;
using EdgeFed.Agent.Outbox;
using EdgeFed.Protocol.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;

namespace EdgeFed.Agent.Aggregation;

/// <summary>
/// Builds the report for a closed window: identity, window bounds, region, kind, software and model versions, the
/// window's aggregate cells (only aggregates ever enter a report; with local differential privacy on, noised), and
/// the blocks and template fingerprints the watchers saw.
/// </summary>
public sealed class ReportFactory(
    IOptions<AgentOptions> options, AgentStateStore state, ObservationBuffer observations, CellAccumulator cells, ModelSet models, LaplaceNoise noise,
    Collectors.Stratum.ShareLedger? shares = null)
{
    public static string SoftwareVersion { get; } =
        typeof(ReportFactory).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public AggregateReport Create(DateTimeOffset windowStart, DateTimeOffset windowEnd)
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
        report.Models.AddRange(models.Versions());
        // A miner is matched to its proxied shares by address: the host it is polled at is where its stratum connection comes from.
        Func<string, Collectors.Stratum.ShareTally?>? tally = shares is null ? null : key => shares.Take(HostOf(key), windowStart, windowEnd);
        foreach (var cell in cells.Drain(tally, windowEnd - windowStart))
        {
            noise.Apply(cell);
            report.Cells.Add(cell);
        }

        var (blocks, templates) = observations.Drain();
        report.Blocks.AddRange(blocks);
        report.Templates.AddRange(templates);
        return report;
    }

    /// <summary>"127.0.1.5:4028" → "127.0.1.5" (a miner's key is its endpoint).</summary>
    private static string HostOf(string minerKey) => minerKey.LastIndexOf(':') is var at and > 0 ? minerKey[..at].Trim('[', ']') : minerKey;
}
