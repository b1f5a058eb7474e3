using EdgeFed.Agent.Collectors.Node;
using EdgeFed.Agent.Collectors.Stratum;
using EdgeFed.Protocol.V1;
using Google.Protobuf.WellKnownTypes;

namespace EdgeFed.Agent.Aggregation;

/// <summary>
/// Collects what the watchers see between two reports: blocks (public data: height, hash, pool, rule) and, per
/// pool, the template fingerprints of its stratum jobs with job counts. Bounded; the oldest blocks go first.
/// </summary>
public sealed class ObservationBuffer
{
    public const int MaxBlocks = 1000;
    public const int MaxTemplates = 1000;
    private readonly Lock _lock = new();
    private readonly List<BlockObservation> _blocks = [];
    private readonly Dictionary<(string Pool, string Fingerprint), uint> _templates = [];

    public void Add(BlockObserved block)
    {
        lock (_lock)
        {
            if (_blocks.Count == MaxBlocks)
            {
                _blocks.RemoveAt(0);
            }

            _blocks.Add(new BlockObservation
            {
                Height = (uint)block.Height,
                BlockHash = block.Hash,
                Pool = block.Pool.Slug,
                AttributionMethod = block.Pool.Method,
                BlockTime = block.Time is { } time ? Timestamp.FromDateTimeOffset(time) : null,
                Difficulty = block.Difficulty,
                TxCount = (uint)Math.Max(0, block.TxCount),
            });
        }
    }

    public void Add(ObservedJob job)
    {
        lock (_lock)
        {
            var key = (job.Pool.Slug, job.Job.TemplateFingerprint);
            if (_templates.Count < MaxTemplates || _templates.ContainsKey(key))
            {
                _templates[key] = _templates.GetValueOrDefault(key) + 1;
            }
        }
    }

    /// <summary>Everything since the last drain, for the next report.</summary>
    public (IReadOnlyList<BlockObservation> Blocks, IReadOnlyList<TemplateFingerprint> Templates) Drain()
    {
        lock (_lock)
        {
            var blocks = _blocks.ToList();
            var templates = _templates.Select(t => new TemplateFingerprint { Pool = t.Key.Pool, Fingerprint = t.Key.Fingerprint, Jobs = t.Value }).ToList();
            _blocks.Clear();
            _templates.Clear();
            return (blocks, templates);
        }
    }
}
