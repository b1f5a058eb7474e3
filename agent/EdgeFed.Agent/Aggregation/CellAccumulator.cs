using EdgeFed.Agent.Collectors;
using EdgeFed.Agent.Inference;
using EdgeFed.Protocol.V1;

namespace EdgeFed.Agent.Aggregation;

/// <summary>One classified poll of one miner, reduced to what a cell needs (the miner's key stays on the device).</summary>
public sealed record MinerObservation(string MinerKey, CellKey Cell, double? HashrateThs, double? PowerW, long? AcceptedShares, long? RejectedShares,
    float Confidence, string HealthDecidedBy, string ModelDecidedBy);

/// <summary>
/// Sums the polls of a window into cells keyed by (pool, template provider, vendor, model, health). A miner counts
/// once per window, in the cell of its last poll: its hashrate and power are its means over the window, its shares
/// the growth of its counters since its previous poll, across windows (a counter that went down, e.g. after a
/// reboot, counts from zero). A miner whose shares went through the agent's stratum proxy also adds its share-based
/// hashrate over the window (and its own API figure, to compare like with like).
/// </summary>
public sealed class CellAccumulator
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<(MinerObservation Poll, ulong Accepted, ulong Rejected)>> _byMiner = [];
    private readonly Dictionary<string, (long? Accepted, long? Rejected)> _lastCounters = [];

    public void Add(MinerObservation observation) => AddCycle([observation]);

    /// <summary>Adds one poll cycle under one lock, so a window holds whole cycles: never half a fleet.</summary>
    public void AddCycle(IReadOnlyList<MinerObservation> observations)
    {
        lock (_lock)
        {
            foreach (var observation in observations)
            {
                if (!_byMiner.TryGetValue(observation.MinerKey, out var polls))
                {
                    _byMiner[observation.MinerKey] = polls = [];
                }

                var last = _lastCounters.GetValueOrDefault(observation.MinerKey);
                polls.Add((observation, Growth(last.Accepted, observation.AcceptedShares), Growth(last.Rejected, observation.RejectedShares)));
                _lastCounters[observation.MinerKey] = (observation.AcceptedShares ?? last.Accepted, observation.RejectedShares ?? last.Rejected);
            }
        }
    }

    public IReadOnlyList<AggregateCell> Drain() => Drain(null, TimeSpan.Zero);

    /// <param name="shares">The proxy-measured work of a miner (by its key) in the window, or null.</param>
    public IReadOnlyList<AggregateCell> Drain(Func<string, Collectors.Stratum.ShareTally?>? shares, TimeSpan window)
    {
        List<List<(MinerObservation Poll, ulong Accepted, ulong Rejected)>> miners;
        lock (_lock)
        {
            miners = [.. _byMiner.Values];
            _byMiner.Clear();
        }

        return miners.GroupBy(polls => polls[^1].Poll.Cell).Select(cell =>
        {
            var result = new AggregateCell { Key = cell.Key, MinerCount = (uint)cell.Count() };
            foreach (var polls in cell)
            {
                var api = polls.Select(p => p.Poll.HashrateThs).OfType<double>().DefaultIfEmpty(0).Average();
                result.HashrateThs += api;
                if (shares?.Invoke(polls[^1].Poll.MinerKey) is { } tally)
                {
                    result.ShareHashrateThs += tally.HashrateThs(window);
                    result.ShareCount += (ulong)tally.Count;
                    result.ShareMiners++;
                    result.ShareApiHashrateThs += api;
                }

                if (polls.Select(p => p.Poll.PowerW).OfType<double>().ToList() is { Count: > 0 } power)
                {
                    result.PowerW += power.Average();
                    result.PowerReportingMiners++;
                }

                result.AcceptedShares += (ulong)polls.Sum(p => (decimal)p.Accepted);
                result.RejectedShares += (ulong)polls.Sum(p => (decimal)p.Rejected);
            }

            var all = cell.SelectMany(p => p).Select(p => p.Poll).ToList();
            result.MeanConfidence = all.Average(p => p.Confidence);
            result.ClassHistogram.AddRange(all.Select(p => $"health:{p.HealthDecidedBy}").Concat(all.Select(p => $"model:{p.ModelDecidedBy}"))
                .GroupBy(label => label).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new ClassCount { Label = g.Key, Count = (uint)g.Count() }));
            return result;
        }).ToList();
    }

    public static HealthClass HealthClassOf(string health) => health switch
    {
        "healthy" => HealthClass.Healthy,
        "overheating" => HealthClass.Overheating,
        "hashboard_fault" => HealthClass.HashboardFault,
        "fan_fault" => HealthClass.FanFault,
        "underperforming" => HealthClass.Underperforming,
        "curtailed" => HealthClass.Curtailed,
        "offline" => HealthClass.Offline,
        _ => HealthClass.Unspecified,
    };

    /// <summary>How much a cumulative counter grew since the previous poll (nothing for the first poll of a miner).</summary>
    private static ulong Growth(long? previous, long? current) =>
        previous is { } p && current is { } c ? (ulong)(c >= p ? c - p : Math.Max(c, 0)) : 0;
}
