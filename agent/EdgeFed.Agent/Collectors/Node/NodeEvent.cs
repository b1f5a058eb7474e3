using EdgeFed.Agent.Attribution;

namespace EdgeFed.Agent.Collectors.Node;

/// <summary>What the node watcher saw: a new block, or a reorganisation that removed blocks.</summary>
public abstract record NodeEvent;

/// <summary>A block and who built it; <see cref="RunLength"/> counts the consecutive blocks by that pool ending here.</summary>
public sealed record BlockObserved(long Height, string Hash, PoolAttribution Pool, int RunLength, DateTimeOffset? Time, double Difficulty = 0, int TxCount = 0) : NodeEvent;

/// <summary>The chain switched branches: <see cref="RemovedHashes"/> (highest first) are no longer in it.</summary>
public sealed record ReorgObserved(int Depth, long ForkHeight, IReadOnlyList<string> RemovedHashes) : NodeEvent;
