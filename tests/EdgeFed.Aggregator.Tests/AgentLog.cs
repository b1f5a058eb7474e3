using System.Globalization;
using System.Text.RegularExpressions;

namespace EdgeFed.Aggregator.Tests;

/// <summary>What an agent's console log says it queued (a window closed into the outbox) and had acknowledged.</summary>
internal static partial class AgentLog
{
    public static IEnumerable<(long Sequence, bool Duplicate)> Acks(string log) =>
        Acked().Matches(log).Select(m => (long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), m.Groups[2].Value == "True"));

    public static IEnumerable<long> QueuedReports(string log) =>
        Queued().Matches(log).Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"Report (\d+) acknowledged \(.*duplicate: (True|False)\)")]
    private static partial Regex Acked();

    [GeneratedRegex(@"closed: report (\d+) with")]
    private static partial Regex Queued();
}
