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
    private readonly Dictionary<string, MinerTally> _byMiner = [];
    private readonly Dictionary<string, (long? Accepted, long? Rejected)> _lastCounters = [];

    public void Add(MinerObservation observation) => AddCycle([observation]);

    /// <summary>Adds one poll cycle under one lock, so a window holds whole cycles: never half a fleet.</summary>
    public void AddCycle(IReadOnlyList<MinerObservation> observations)
    {
        lock (_lock)
        {
            foreach (var observation in observations)
            {
                if (!_byMiner.TryGetValue(observation.MinerKey, out var tally))
                {
                    _byMiner[observation.MinerKey] = tally = new MinerTally();
                }

                var last = _lastCounters.GetValueOrDefault(observation.MinerKey);
                tally.Add(observation, Growth(last.Accepted, observation.AcceptedShares), Growth(last.Rejected, observation.RejectedShares));
                _lastCounters[observation.MinerKey] = (observation.AcceptedShares ?? last.Accepted, observation.RejectedShares ?? last.Rejected);
            }
        }
    }

    public IReadOnlyList<AggregateCell> Drain() => Drain(null, TimeSpan.Zero);

    /// <param name="shares">The proxy-measured work of a miner (by its key) in the window, or null.</param>
    public IReadOnlyList<AggregateCell> Drain(Func<string, Collectors.Stratum.ShareTally?>? shares, TimeSpan window)
    {
        List<MinerTally> miners;
        lock (_lock)
        {
            miners = [.. _byMiner.Values];
            _byMiner.Clear();
        }

        return miners.GroupBy(miner => miner.Cell).Select(cell =>
        {
            var result = new AggregateCell { Key = cell.Key, MinerCount = (uint)cell.Count() };
            var (confidence, polls) = (0d, 0L);
            var labels = new Dictionary<string, uint>(StringComparer.Ordinal);
            foreach (var miner in cell)
            {
                var api = miner.HashrateCount > 0 ? miner.HashrateSum / miner.HashrateCount : 0;
                result.HashrateThs += api;
                if (shares?.Invoke(miner.MinerKey) is { } tally)
                {
                    result.ShareHashrateThs += tally.HashrateThs(window);
                    result.ShareCount += (ulong)tally.Count;
                    result.ShareMiners++;
                    result.ShareApiHashrateThs += api;
                }

                if (miner.PowerCount > 0)
                {
                    result.PowerW += miner.PowerSum / miner.PowerCount;
                    result.PowerReportingMiners++;
                }

                result.AcceptedShares += (ulong)miner.Accepted;
                result.RejectedShares += (ulong)miner.Rejected;
                (confidence, polls) = (confidence + miner.ConfidenceSum, polls + miner.Polls);
                foreach (var ((prefix, decidedBy), count) in miner.Labels)
                {
                    var label = prefix + decidedBy;
                    labels[label] = labels.GetValueOrDefault(label) + count;
                }
            }

            result.MeanConfidence = (float)(confidence / polls);
            result.ClassHistogram.AddRange(labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => new ClassCount { Label = l.Key, Count = l.Value }));
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

    /// <summary>
    /// One miner's polls of the window as running sums, in the order they came (so the means are the ones the polls
    /// give): a window of 1,000 miners holds 1,000 of these, not six observations each.
    /// </summary>
    private sealed class MinerTally
    {
        public string MinerKey { get; private set; } = "";

        public CellKey Cell { get; private set; } = new();

        public double HashrateSum { get; private set; }

        public int HashrateCount { get; private set; }

        public double PowerSum { get; private set; }

        public int PowerCount { get; private set; }

        public decimal Accepted { get; private set; }

        public decimal Rejected { get; private set; }

        public double ConfidenceSum { get; private set; }

        public int Polls { get; private set; }

        /// <summary>Polls per label, <c>health:DECIDED_BY</c> and <c>model:DECIDED_BY</c> (prefix and value).</summary>
        public Dictionary<(string Prefix, string DecidedBy), uint> Labels { get; } = [];

        public void Add(MinerObservation poll, ulong accepted, ulong rejected)
        {
            (MinerKey, Cell) = (poll.MinerKey, poll.Cell);
            if (poll.HashrateThs is { } hashrate)
            {
                (HashrateSum, HashrateCount) = (HashrateSum + hashrate, HashrateCount + 1);
            }

            if (poll.PowerW is { } power)
            {
                (PowerSum, PowerCount) = (PowerSum + power, PowerCount + 1);
            }

            (Accepted, Rejected) = (Accepted + accepted, Rejected + rejected);
            (ConfidenceSum, Polls) = (ConfidenceSum + poll.Confidence, Polls + 1);
            Count("health:", poll.HealthDecidedBy);
            Count("model:", poll.ModelDecidedBy);
        }

        private void Count(string prefix, string decidedBy) => Labels[(prefix, decidedBy)] = Labels.GetValueOrDefault((prefix, decidedBy)) + 1;
    }
}
