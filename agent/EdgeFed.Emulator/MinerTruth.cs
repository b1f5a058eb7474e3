using EdgeFed.Agent.Collectors;

namespace EdgeFed.Emulator;

/// <summary>One hashboard as it really is at an instant.</summary>
public sealed record BoardTruth(int Chips, int ExpectedChips, double ChipTempC, double BoardTempC, double HashrateThs, long HardwareErrors);

/// <summary>
/// The true state of an emulated miner at an instant: what its replies are rendered from, and the labels
/// (health class, mining state) that tests and the training pipeline check against.
/// </summary>
public sealed record MinerTruth(
    string Health,
    MiningState State,
    bool Answers,
    double HashrateThs,
    double AverageThs,
    double NominalThs,
    double PowerW,
    IReadOnlyList<BoardTruth> Boards,
    IReadOnlyList<int> FansRpm,
    long AcceptedShares,
    long RejectedShares,
    long HardwareErrors,
    long UptimeSeconds);
