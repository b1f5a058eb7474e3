using EdgeFed.Agent.Attribution;

namespace EdgeFed.Agent.Collectors.Stratum;

/// <summary>A job a pool sent, decoded and attributed. The pool URL is what the watcher or proxy connected to.</summary>
public sealed record ObservedJob(string PoolUrl, StratumJob Job, PoolAttribution Pool, DateTimeOffset ReceivedAt);
