using EdgeFed.Agent.Collectors;

namespace EdgeFed.Emulator;

/// <summary>
/// One emulated miner: a catalogue model running a firmware family, pointed at a pool, with a per-unit
/// performance factor, a site temperature offset, a tuning profile on custom firmware, seeded noise, and a timeline
/// of behaviours. <see cref="TruthAt"/> is a pure function of the elapsed time and the noise source, and the noise
/// is seeded from the miner, the instant and the request, so a farm on a <see cref="ManualClock"/> is reproducible.
/// Faults develop over <c>ramp</c> and start small: early in a fault the miner looks almost healthy, as real ones do.
/// </summary>
public sealed class EmulatedMiner(
    int id, MinerFamily family, MinerModel model, string poolUrl, string poolUser, int seed, IReadOnlyList<Behaviour> behaviours, DateTimeOffset bootedAt,
    TimeSpan ramp)
{
    private readonly double _unitFactor = 0.94 + new Random(seed).NextDouble() * 0.09;
    private readonly double _siteOffsetC = new Random(seed + 1).NextDouble() * 12 - 5;

    /// <summary>Fan controllers differ by site and firmware: healthy units run anywhere from ~1900 to ~6500 rpm (as the real replies do).</summary>
    private readonly double _fanBaseRpm = 1900 + new Random(seed + 3).NextDouble() * 4600;

    /// <summary>Custom firmware (Braiins OS, LuxOS) runs autotuned profiles: nominal, hashrate and power scale together.</summary>
    private readonly double _tuning = Tuned(family) ? 0.55 + new Random(seed + 2).NextDouble() * 0.55 : 1.0;

    private static bool Tuned(MinerFamily f) => f is MinerFamily.BraiinsOs or MinerFamily.BraiinsOsGrpc or MinerFamily.BraiinsOsGraphql or MinerFamily.LuxOs or MinerFamily.Epic;

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

    /// <summary>Fresh noise for one request, the same for the same miner, instant and request in every run.</summary>
    public Random RequestRandom(DateTimeOffset now, string request) => new(StableHash.Mix(StableHash.Mix(seed, now.UtcTicks), StableHash.Of(request)));

    public bool Has(BehaviourKind kind, DateTimeOffset now) => Behaviours.Any(b => b.Kind == kind && b.ActiveAt(now - BootedAt));

    /// <summary>MicroBT units run their chips hotter than Bitmain's; a Bitaxe runs cool (as in the real replies).</summary>
    private static double FamilyTemperatureOffsetC(MinerFamily family) => family switch
    {
        MinerFamily.Whatsminer or MinerFamily.WhatsminerV3 => 12,
        MinerFamily.Bitaxe => -12,
        _ => 0,
    };

    /// <summary>A sleeping unit's fans: Avalon's soft-off stops them (as avalonminer/stats.json shows); others idle slowly.</summary>
    private static double SleepFanRpm(MinerFamily family) => family == MinerFamily.Avalon ? 0 : 1500;

    /// <summary>Where the firmware's thermal protection stops hashing: ~90-95 °C chip for S19-class units (PROTOCOLS.md), MicroBT higher.</summary>
    public static double ThermalLimitC(MinerFamily family) => 92 + FamilyTemperatureOffsetC(family);

    /// <summary>Intake and exhaust fans of one unit run at different speeds (the real S19 Pro: 6000, 5880, 5040, 5040 rpm).</summary>
    private double FanPosition(int fan) => 1 - 0.16 * new Random(StableHash.Mix(seed, fan)).NextDouble();

    public MinerTruth TruthAt(DateTimeOffset now, Random noise)
    {
        var elapsed = now - BootedAt;
        double P(BehaviourKind kind) => Behaviours.Where(b => b.Kind == kind && b.ActiveAt(elapsed)).Select(b => b.Progress(elapsed, ramp)).DefaultIfEmpty(-1).Max();
        double Jitter(double relative) => 1 + (noise.NextDouble() * 2 - 1) * relative;

        var overheat = P(BehaviourKind.Overheating);
        var boardFault = P(BehaviourKind.HashboardFailure);
        var fanFault = P(BehaviourKind.FanFailure);
        var under = P(BehaviourKind.Underperforming);
        var sleep = P(BehaviourKind.Curtailed);
        var curtailed = sleep >= 0;
        var offline = P(BehaviourKind.Offline) >= 0;

        var nominal = Model.NominalThs * _tuning;
        var perBoard = nominal * _unitFactor / Model.Boards;
        var limit = ThermalLimitC(Family);
        var normalChip = 70 + FamilyTemperatureOffsetC(Family) - 20 * (1 - _tuning) + _siteOffsetC - 4 * (_fanBaseRpm - 4200) / 2300 + (noise.NextDouble() * 4 - 2)
                         + (fanFault >= 0 ? 10 * fanFault : 0) + (under >= 0 ? 2 * under : 0);
        // Overheating: the chips climb to the firmware's limit over the first three quarters of the ramp, the firmware
        // throttling a little on the way; at the limit it stops hashing (thermal protection) and runs its fans flat out,
        // the chips staying at the limit (PROTOCOLS.md). The unit still answers.
        var protection = overheat >= 0.75;
        var ambientChip = overheat < 0 ? normalChip
            : protection ? limit - 1.5 + noise.NextDouble() * 4
            : normalChip + (limit - normalChip) * Math.Max(0, overheat / 0.75);
        var throttle = overheat >= 0 && !protection ? 1 - 0.15 * Math.Clamp((ambientChip - (limit - 8)) / 8, 0, 1) : 1.0;
        var efficiency = under >= 0 ? 0.95 - 0.15 * under : 1.0;
        var boards = Enumerable.Range(0, Model.Boards).Select(i =>
        {
            var chips = Model.ChipsPerBoard;
            if (i == 0 && boardFault >= 0)
            {
                chips = (int)Math.Round(chips * (1 - boardFault)); // chips drop out until the board is dead
            }

            var rate = curtailed || protection ? 0 : perBoard * chips / Model.ChipsPerBoard * throttle * efficiency * Jitter(0.025);
            // A unit put to sleep stops hashing at once and its chips cool from where they were over the ramp.
            var chipTemp = curtailed ? 35 + noise.NextDouble() * 5 + (ambientChip - 37) * Math.Pow(1 - sleep, 2) : chips == 0 ? 30 + noise.NextDouble() * 6 : ambientChip + (protection ? i * 0.5 : i * 1.5);
            var errors = (long)(noise.NextDouble() * 40 * (i == 0 && boardFault >= 0 ? 1 + 4 * boardFault : 1));
            return new BoardTruth(chips, Model.ChipsPerBoard, Math.Round(chipTemp, 1), Math.Round(chipTemp - 12, 1), rate, errors);
        }).ToList();

        // A failing fan slows down until it stops; below 300 rpm the controller reads 0, which firmware reports as absent.
        var fans = Enumerable.Range(0, Model.Fans)
            .Select(i => (int)((curtailed ? SleepFanRpm(Family) : protection ? 6900 : _fanBaseRpm + (overheat >= 0 ? (6800 - _fanBaseRpm) * overheat : 0)) * (i == 0 && fanFault >= 0 ? 1 - fanFault : 1) * FanPosition(i) * Jitter(0.03)))
            .Select(rpm => rpm < 300 ? 0 : rpm)
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
            offline ? MiningState.Unreachable : curtailed ? MiningState.Curtailed : protection ? MiningState.Off : MiningState.Mining,
            !offline,
            hashrate,
            curtailed || protection ? 0 : nominal * _unitFactor * efficiency,
            nominal,
            curtailed ? Model.PowerW * 0.04 : protection ? Model.PowerW * 0.06 : Model.PowerW * _tuning * (hashrate / Math.Max(nominal, 1e-9)) * Jitter(0.02),
            boards,
            fans,
            AcceptedShares: uptime / 6,
            RejectedShares: uptime / 3000,
            HardwareErrors: boards.Sum(b => b.HardwareErrors),
            uptime);
    }
}
