using System.Collections;
using EdgeFed.Agent.Collectors;

namespace EdgeFed.Agent.Features;

/// <summary>
/// One miner's last <see cref="MinerFeatures.WindowSize"/> samples, oldest first, kept small: the latest sample and
/// the latest that answered (the classifier's identity) stay whole; every other one is cut down to what
/// <see cref="MinerFeatures.Of"/> reads of an older sample, so the features are the same as over the whole samples.
/// With 1,000 miners that is 4,000 fewer whole samples (their boards, fans and strings) on a board's small heap.
/// </summary>
public sealed class MinerWindow : IReadOnlyList<MinerSample>
{
    private readonly MinerSample[] _samples = new MinerSample[MinerFeatures.WindowSize];
    private readonly bool[] _slim = new bool[MinerFeatures.WindowSize];
    private int _start;

    public int Count { get; private set; }

    public MinerSample this[int index] => (uint)index < (uint)Count
        ? _samples[(_start + index) % _samples.Length]
        : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>Appends the newest sample, dropping the oldest when full, and slims what no longer needs to be whole.</summary>
    public void Add(MinerSample sample)
    {
        if (Count == _samples.Length)
        {
            _start = (_start + 1) % _samples.Length;
            Count--;
        }

        var slot = (_start + Count) % _samples.Length;
        _samples[slot] = sample;
        _slim[slot] = false;
        Count++;

        var identity = IdentityIndex();
        for (var i = 0; i < Count - 1; i++)
        {
            var at = (_start + i) % _samples.Length;
            if (i != identity && !_slim[at])
            {
                _samples[at] = Slim(_samples[at]);
                _slim[at] = true;
            }
        }
    }

    /// <summary>What the features read of a sample that is neither the latest nor the identity: the rest is dropped.</summary>
    public static MinerSample Slim(MinerSample sample) => new()
    {
        Endpoint = sample.Endpoint,
        Time = sample.Time,
        Family = sample.Family,
        State = sample.State,
        HashrateThs = sample.HashrateThs,
        NominalThs = sample.NominalThs,
        Boards = sample.Boards.Select(b => b.ChipTempC).Max() is { } hottest ? [new HashboardSample { ChipTempC = hottest }] : [],
        Errors = sample.Errors,
    };

    /// <summary>The position <see cref="Inference.MinerClassifier.Identity"/> picks: the latest sample that answered, else the latest.</summary>
    private int IdentityIndex()
    {
        for (var i = Count - 1; i >= 0; i--)
        {
            if (this[i].State != MiningState.Unreachable)
            {
                return i;
            }
        }

        return Count - 1;
    }

    public IEnumerator<MinerSample> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
