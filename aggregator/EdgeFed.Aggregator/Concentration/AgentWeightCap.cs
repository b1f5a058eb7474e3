namespace EdgeFed.Aggregator.Concentration;

/// <summary>
/// One agent's contribution to one entity (e.g. TH/s of a pool), and how many agents stand behind it: one, or a
/// regional aggregator's count of its own agents behind its merged cells.
/// </summary>
public sealed record AgentContribution(string Entity, string Agent, double Value, int Agents = 1);

/// <summary>An entity's proxy-measured work: share-based and API hashrate of the same miners, shares, cells that disagree.</summary>
public sealed record ShareMeasurement(double ShareThs, double ApiThs, long Shares, int DisagreeingCells)
{
    /// <summary>About 1/√n over n shares (PROTOCOLS.md, stratum share accounting).</summary>
    public double RelativeError => Shares > 0 ? 1 / Math.Sqrt(Shares) : double.PositiveInfinity;

    /// <summary>The two figures differ by more than 1.96 standard errors of the share-based one (95 %).</summary>
    public bool Disagrees => Shares > 0 && Math.Abs(ShareThs - ApiThs) > 1.96 * ShareThs * RelativeError;
}

/// <summary>An entity after capping: its total, how many distinct agents back it, and the agents that were capped.</summary>
public sealed record CappedEntity(string Entity, double Value, int Agents, IReadOnlyList<string> CappedAgents);

/// <summary>
/// Robustness against a lying or broken agent: no agent may carry more than a share <c>w</c> of an entity. An agent
/// whose value exceeds w/(1−w) times the sum of the other agents' is cut down to that bound and flagged as an outlier.
/// With w = 1 nothing is capped, nor is an entity behind a single agent (k-anonymity decides whether that one is shown).
/// A regional aggregator's contribution stands for many agents, capped at the region already: it is not capped again,
/// and its agents count toward the entity's distinct agents.
/// </summary>
public static class AgentWeightCap
{
    public static IReadOnlyList<CappedEntity> Apply(IEnumerable<AgentContribution> contributions, double maxWeight) =>
        contributions.GroupBy(c => c.Entity, StringComparer.Ordinal).Select(entity =>
        {
            var byAgent = entity.GroupBy(c => c.Agent, StringComparer.Ordinal)
                .Select(a => (Agent: a.Key, Value: a.Sum(c => c.Value), Behind: a.Max(c => Math.Max(1, c.Agents)))).ToList();
            var total = byAgent.Sum(a => a.Value);
            var capped = new List<string>();
            var sum = 0.0;
            foreach (var (agent, value, behind) in byAgent)
            {
                var bound = maxWeight >= 1 || byAgent.Count < 2 || behind > 1 ? double.PositiveInfinity : maxWeight / (1 - maxWeight) * (total - value);
                if (value > bound)
                {
                    capped.Add(agent);
                }

                sum += Math.Min(value, bound);
            }

            return new CappedEntity(entity.Key, sum, byAgent.Sum(a => a.Behind), capped);
        }).ToList();
}
