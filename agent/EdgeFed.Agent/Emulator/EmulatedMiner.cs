using EdgeFed.Agent.Collectors;

namespace EdgeFed.Agent.Emulator;

/// <summary>
/// One emulated miner: a catalogue model running a firmware family, pointed at a pool, with a per-unit
/// performance factor, seeded noise, and a timeline of behaviours. <see cref="TruthAt"/> is a pure function of
/// the elapsed time and the poll counter, so runs are reproducible. Faults develop over <c>ramp</c>.
/// </summary>
public sealed class EmulatedMiner(
    int id, MinerFamily family, MinerModel model, string poolUrl, string poolUser, int seed, IReadOnlyList<Behaviour> behaviours, DateTimeOffset bootedAt,
    TimeSpan ramp)
{
    private readonly double _unitFactor = 0.97 + new Random(seed).NextDouble() * 0.04;
    private long _requests;

    public int Id { get; } = id;

    public MinerFamily Family { get; } = family;

    public MinerModel Model { get; } = model;

    public string PoolUrl { get; } = poolUrl;

    /// <summary>Identifies the account at the pool: read by the agent, must never leave it.</summary>
    public string PoolUser { get; } = poolUser;

    /// <summary>Stands for the hardware serial a real miner reports; must never leave the agent.</summary>
    public string SerialNumber { get; } = $"EMU{seed:X8}{id:D5}";

    public IReadOnlyList<Behaviour> Behaviours { get; } = behaviours;

    public DateTimeOffset BootedAt { get; } = bootedAt;

    /// <summary>Each request draws fresh noise; the counter makes the sequence reproducible.</summary>
    public Random NextRequestRandom() => new(HashCode.Combine(seed, Interlocked.Increment(ref _requests)));

    public bool Has(BehaviourKind kind, DateTimeOffset now) => Behaviours.Any(b => b.Kind == kind && b.ActiveAt(now - BootedAt));

    public MinerTruth TruthAt(DateTimeOffset now, Random noise)
    {
        var elapsed = now - BootedAt;
        double P(BehaviourKind kind) => Behaviours.Where(b => b.Kind == kind && b.ActiveAt(elapsed)).Select(b => b.Progress(elapsed, ramp)).DefaultIfEmpty(-1).Max();
        double Jitter(double relative) => 1 + (noise.NextDouble() * 2 - 1) * relative;

        var overheat = P(BehaviourKind.Overheating);
        var boardFault = P(BehaviourKind.HashboardFailure);
        var fanFault = P(BehaviourKind.FanFailure);
        var under = P(BehaviourKind.Underperforming);
        var curtailed = P(BehaviourKind.Curtailed) >= 0;
        var offline = P(BehaviourKind.Offline) >= 0;

        var perBoard = Model.NominalThs * _unitFactor / Model.Boards;
        var ambientChip = 68 + (noise.NextDouble() * 6 - 3) + (overheat >= 0 ? 27 * overheat : 0) + (fanFault >= 0 ? 12 * fanFault : 0) + (under >= 0 ? 4 : 0);
        var throttle = overheat >= 0 && ambientChip > 88 ? 1 - 0.3 * (ambientChip - 88) / 10 : 1.0;
        var efficiency = under >= 0 ? 0.82 - 0.05 * under : 1.0;
        var boards = Enumerable.Range(0, Model.Boards).Select(i =>
        {
            var chips = Model.ChipsPerBoard;
            if (i == 0 && boardFault >= 0)
            {
                chips = (int)Math.Round(chips * (1 - boardFault)); // chips drop out until the board is dead
            }

            var rate = curtailed ? 0 : perBoard * chips / Model.ChipsPerBoard * throttle * efficiency * Jitter(0.015);
            var chipTemp = curtailed ? 35 + noise.NextDouble() * 5 : ambientChip + i * 1.5;
            return new BoardTruth(chips, Model.ChipsPerBoard, Math.Round(chipTemp, 1), Math.Round(chipTemp - 12, 1), rate, (long)(noise.NextDouble() * 40));
        }).ToList();

        var fans = Enumerable.Range(0, Model.Fans)
            .Select(i => i == 0 && fanFault >= 0 ? 0 : (int)((curtailed ? 1500 : 4800 + (overheat >= 0 ? 1500 * overheat : 0)) * Jitter(0.03)))
            .ToList();
        var hashrate = boards.Sum(b => b.HashrateThs);
        var uptime = (long)elapsed.TotalSeconds;
        var health = offline ? "offline"
            : curtailed ? "curtailed"
            : boardFault >= 0 ? "hashboard_fault"
            : fanFault >= 0 ? "fan_fault"
            : overheat >= 0 ? "overheating"
            : under >= 0 ? "underperforming"
            : "healthy";

        return new MinerTruth(
            health,
            offline ? MiningState.Unreachable : curtailed ? MiningState.Curtailed : MiningState.Mining,
            !offline,
            hashrate,
            curtailed ? 0 : Model.NominalThs * _unitFactor * efficiency,
            Model.NominalThs,
            curtailed ? Model.PowerW * 0.04 : Model.PowerW * (hashrate / Math.Max(Model.NominalThs, 1e-9)) * Jitter(0.01),
            boards,
            fans,
            AcceptedShares: uptime / 6,
            RejectedShares: uptime / 3000,
            HardwareErrors: boards.Sum(b => b.HardwareErrors),
            uptime);
    }
}
