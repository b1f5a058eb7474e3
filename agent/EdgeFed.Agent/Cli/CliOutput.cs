using EdgeFed.Agent.Collectors;

namespace EdgeFed.Agent.Cli;

// The JSON shapes of the command-line contract (DESIGN.md), named so that their serialisers are generated at compile
// time. Property names become camelCase; the order here is the order of the keys.

public sealed record PoolJson(string Name, int? Id, string Slug, string Method, string? Evidence, string? TemplateProvider);

public sealed record CoinbaseOutputJson(string Type, string? Address, ulong ValueSats, string ScriptHex);

/// <summary>An output as <c>decode notify</c> lists it beside the coinbase: without the script.</summary>
public sealed record NotifyOutputJson(string Type, string? Address, ulong ValueSats);

public sealed record CommitmentJson(string Kind, string Data);

public sealed record CoinbaseJson(
    long? Height, string ScriptSigHex, string ScriptSigAscii, bool Segwit, IReadOnlyList<CoinbaseOutputJson> Outputs,
    IReadOnlyList<CommitmentJson> Commitments, PoolJson Pool);

public sealed record NotifyJson(
    string JobId, string PrevHash, string Version, string NBits, string NTime, bool CleanJobs, IReadOnlyList<string> MerkleBranches,
    int ExtranonceBytes, string TemplateFingerprint, CoinbaseJson Coinbase, long? Height, string ScriptSigAscii,
    IReadOnlyList<NotifyOutputJson> Outputs, IReadOnlyList<CommitmentJson> Commitments, PoolJson Pool);

public sealed record IdentifyJson(long Height, string Hash, PoolJson Pool, CoinbaseJson Coinbase);

public sealed record ClassifyJson(
    string? Model, string? Vendor, string Health, string DecidedBy, IReadOnlyDictionary<string, float> Probabilities, string ModelDecidedBy,
    float ModelProbability, float Confidence, string Pool, MinerFamily Family);

public sealed record PollCostJson(double WallSeconds, double CpuMsPer1000Polls, double RssMiB, double PeakRssMiB, double ManagedHeapMiB);

public sealed record PollJson(int Miners, int Cycles, IReadOnlyList<FamilySummary> Families, PollCostJson Cost);
