namespace EdgeFed.Agent.Uplink;

/// <summary>
/// Which of several aggregator replicas (<see cref="AgentOptions.AggregatorUrls"/>) the agent talks to. Each agent
/// prefers the replica its id hashes to, so a fleet spreads evenly; on a failure it moves to the next one, and once it
/// has been away from its preferred replica for <c>returnAfter</c> it goes back (and moves on again if that one is
/// still down). Pure: the clock is given.
/// </summary>
public sealed class AggregatorEndpoints
{
    private readonly TimeSpan _returnAfter;
    private readonly TimeProvider _time;
    private int _current;
    private DateTimeOffset _leftPreferredAt;

    public AggregatorEndpoints(IReadOnlyList<string> urls, string agentId, TimeSpan returnAfter, TimeProvider time)
    {
        if (urls.Count == 0)
        {
            throw new ArgumentException("At least one aggregator URL is needed.", nameof(urls));
        }

        (Urls, _returnAfter, _time) = (urls, returnAfter, time);
        Preferred = (int)(Fnv1a(agentId) % (uint)urls.Count);
        _current = Preferred;
    }

    public IReadOnlyList<string> Urls { get; }

    /// <summary>The index of the replica this agent's id hashes to.</summary>
    public int Preferred { get; }

    public int CurrentIndex => _current;

    public string Current => Urls[_current];

    /// <summary>Moves to the next replica after a failure of the current one.</summary>
    public void Failover()
    {
        if (_current == Preferred)
        {
            _leftPreferredAt = _time.GetUtcNow();
        }

        _current = (_current + 1) % Urls.Count;
    }

    /// <summary>True when the agent is away from its preferred replica and has been for long enough to try it again.</summary>
    public bool ShouldReturn => _current != Preferred && _time.GetUtcNow() - _leftPreferredAt >= _returnAfter;

    public void Return()
    {
        _current = Preferred;
        _leftPreferredAt = _time.GetUtcNow();
    }

    /// <summary>
    /// The retry number <paramref name="attempt"/> counted in whole rounds over the replicas: trying the next replica
    /// after one failed costs no more backoff than the first retry; only when every replica failed does it grow.
    /// </summary>
    public int Round(int attempt) => (attempt + Urls.Count - 1) / Urls.Count;

    // FNV-1a: stable across processes and runtimes (string.GetHashCode is randomised per process).
    private static uint Fnv1a(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}
