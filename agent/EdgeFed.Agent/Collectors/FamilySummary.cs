namespace EdgeFed.Agent.Collectors;

/// <summary>Per-family totals of one poll cycle, for an operator's overview (stays on the device).</summary>
public sealed record FamilySummary(
    MinerFamily Family, int Miners, int Mining, int Curtailed, int Off, int Unreachable, double HashrateThs, double NominalThs,
    double PowerW, int PowerReporting, int BoardsWithDeadChips, IReadOnlyDictionary<string, int> Errors)
{
    public static IReadOnlyList<FamilySummary> Of(IEnumerable<MinerSample> samples) => samples
        .GroupBy(s => s.Family)
        .OrderByDescending(g => g.Count())
        .Select(g => new FamilySummary(
            g.Key,
            g.Count(),
            g.Count(s => s.State == MiningState.Mining),
            g.Count(s => s.State == MiningState.Curtailed),
            g.Count(s => s.State == MiningState.Off),
            g.Count(s => s.State == MiningState.Unreachable),
            Math.Round(g.Sum(s => s.HashrateThs ?? 0), 2),
            Math.Round(g.Sum(s => s.NominalThs ?? 0), 2),
            Math.Round(g.Sum(s => s.PowerW ?? 0), 1),
            g.Count(s => s.PowerW is not null),
            g.Sum(s => s.Boards.Count(b => b.DeadChips > 0 || b.Chips < b.ExpectedChips)),
            g.SelectMany(s => s.Errors).GroupBy(e => e.Kind.ToString()).ToDictionary(e => e.Key, e => e.Count())))
        .ToList();
}
