using System.Text.RegularExpressions;
using EdgeFed.Protocol.V1;

namespace EdgeFed.Aggregator.Ingest;

/// <summary>Checks one report before it is stored; the first problem found is returned, naming its field.</summary>
public static partial class ReportValidator
{
    /// <summary>The most agents one merged cell may claim: far beyond any real federation, short of absurd.</summary>
    public const uint MaxAgentsBehind = 1_000_000;

    /// <summary>The most cells one report may hold: what the SQLite store numbers per report (a real one holds tens; a region's merge, thousands).</summary>
    public const int MaxCells = Storage.Schema.CellsPerReport;

    public static string? Validate(AggregateReport report, Storage.EnrolledAgent authenticated, AggregatorOptions options, DateTimeOffset now)
    {
        if (report.AgentId != authenticated.Id)
        {
            return $"agent_id: '{report.AgentId}' does not match the authenticated agent.";
        }

        var merged = authenticated.Kind == AgentKind.Aggregator;
        if ((report.Kind == AgentKind.Aggregator || report.AgentsBehind > 0 || HasMergedCell(report)) && !merged)
        {
            return "kind: merged cells (agents, hashrate_seconds, agents_behind) come only from an aggregator enrolled as AGENT_KIND_AGGREGATOR.";
        }

        if (report.AgentsBehind > MaxAgentsBehind || MaxCellAgents(report) > MaxAgentsBehind)
        {
            return $"agents_behind: more than {MaxAgentsBehind} agents behind one report or cell.";
        }

        if (report.Sequence == 0)
        {
            return "sequence: must be 1 or more.";
        }

        if (report.WindowStart is null || report.WindowEnd is null)
        {
            return "window_start/window_end: both are required.";
        }

        var start = report.WindowStart.ToDateTimeOffset();
        var end = report.WindowEnd.ToDateTimeOffset();
        if (end <= start)
        {
            return $"window_end: {end:O} is not after window_start {start:O}.";
        }

        if (end - start > options.MaxWindow)
        {
            return $"window_end: the window lasts {end - start}, more than the {options.MaxWindow} allowed.";
        }

        if (end > now.AddMinutes(10))
        {
            return $"window_end: {end:O} is in the future.";
        }

        if (report.Region.Length != 0 && !RegionCode().IsMatch(report.Region))
        {
            return $"region: '{report.Region}' is not an ISO 3166-1 alpha-2 code.";
        }

        if (report.Cells.Count > MaxCells)
        {
            return $"cells: {report.Cells.Count} cells, more than the {MaxCells} one report may hold.";
        }

        var seconds = (end - start).TotalSeconds;
        for (var i = 0; i < report.Cells.Count; i++)
        {
            if (ValidateCell(report.Cells[i], options, merged ? seconds : 0) is { } problem)
            {
                return $"cells[{i}].{problem}";
            }
        }

        for (var i = 0; i < report.Blocks.Count; i++)
        {
            if (!BlockHash().IsMatch(report.Blocks[i].BlockHash))
            {
                return $"blocks[{i}].block_hash: not 64 hex digits.";
            }
        }

        return null;
    }

    /// <param name="mergedSeconds">For a regional aggregator's merged cell, its window's length: its hashrate_ths sums
    /// its agents' windows, so the network ceiling applies to the time average (hashrate_seconds / window).</param>
    private static string? ValidateCell(AggregateCell cell, AggregatorOptions options, double mergedSeconds)
    {
        if (cell.Key is null)
        {
            return "key: required.";
        }

        // Checked one by one, not from an array of (name, value) pairs: this runs for every cell of every report.
        if ((NotFiniteOrNegative("hashrate_ths", cell.HashrateThs) ?? NotFiniteOrNegative("power_w", cell.PowerW) ??
            NotFiniteOrNegative("mean_confidence", cell.MeanConfidence) ?? NotFiniteOrNegative("share_hashrate_ths", cell.ShareHashrateThs) ??
            NotFiniteOrNegative("share_api_hashrate_ths", cell.ShareApiHashrateThs) ?? NotFiniteOrNegative("hashrate_seconds", cell.HashrateSeconds)) is { } bad)
        {
            return bad;
        }

        var average = mergedSeconds > 0 ? cell.HashrateSeconds / mergedSeconds : cell.HashrateThs;
        if (average > options.NetworkHashrateCeilingThs)
        {
            return $"hashrate_ths: {average} TH/s is more than the whole network ({options.NetworkHashrateCeilingThs} TH/s).";
        }

        if (cell.MeanConfidence > 1)
        {
            return $"mean_confidence: {cell.MeanConfidence} is above 1.";
        }

        if (cell.PowerReportingMiners > cell.MinerCount)
        {
            return $"power_reporting_miners: {cell.PowerReportingMiners} is more than miner_count {cell.MinerCount}.";
        }

        if (cell.ShareMiners > cell.MinerCount)
        {
            return $"share_miners: {cell.ShareMiners} is more than miner_count {cell.MinerCount}.";
        }

        if (mergedSeconds == 0 && cell.ShareHashrateThs > options.NetworkHashrateCeilingThs)
        {
            return $"share_hashrate_ths: {cell.ShareHashrateThs} TH/s is more than the whole network ({options.NetworkHashrateCeilingThs} TH/s).";
        }

        if ((cell.ShareMiners == 0) != (cell.ShareCount == 0) || (cell.ShareCount == 0 && cell.ShareHashrateThs > 0))
        {
            return $"share_count: {cell.ShareCount} shares with share_miners {cell.ShareMiners} and share_hashrate_ths {cell.ShareHashrateThs} do not fit together.";
        }

        return null;
    }

    private static string? NotFiniteOrNegative(string name, double value) =>
        double.IsFinite(value) && value >= 0 ? null : $"{name}: {value} is not a finite, non-negative number.";

    // Indexed loops instead of LINQ with a closure: RepeatedField's enumerator and the delegate are allocated per report.
    private static bool HasMergedCell(AggregateReport report)
    {
        for (var i = 0; i < report.Cells.Count; i++)
        {
            if (report.Cells[i] is { Agents: > 1 } or { HashrateSeconds: > 0 })
            {
                return true;
            }
        }

        return false;
    }

    private static uint MaxCellAgents(AggregateReport report)
    {
        var max = 0u;
        for (var i = 0; i < report.Cells.Count; i++)
        {
            max = Math.Max(max, report.Cells[i].Agents);
        }

        return max;
    }

    [GeneratedRegex("^[A-Z]{2}$")]
    private static partial Regex RegionCode();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex BlockHash();
}
