using EdgeFed.Agent.Collectors;

namespace EdgeFed.Agent.Features;

/// <summary>What the features read of any poll in a window: everything else they read comes from the latest sample.</summary>
public readonly record struct PollSummary(MiningState State, double? HashrateThs, double? NominalThs, double? HottestChipC, int ErrorCount)
{
    public static PollSummary Of(MinerSample sample) =>
        new(sample.State, sample.HashrateThs, sample.NominalThs, sample.Boards.Select(b => b.ChipTempC).Max(), sample.Errors.Count);
}

/// <summary>
/// One miner's last <see cref="MinerFeatures.WindowSize"/> polls, oldest first, kept small: every poll as a
/// <see cref="PollSummary"/> (a struct in one array), and only two whole samples, the latest and the latest that
/// answered (<see cref="Identity"/>: a miner that just went offline keeps its model, vendor and pool). With 1,000
/// miners that is ~5,000 fewer samples, boards and lists on a board's small heap than keeping the samples themselves.
/// </summary>
public sealed class MinerWindow
{
    private readonly PollSummary[] _polls = new PollSummary[MinerFeatures.WindowSize];
    private int _start;
    private MinerSample? _latest;
    private MinerSample? _answered;

    public int Count { get; private set; }

    /// <summary>The newest sample.</summary>
    public MinerSample Latest => _latest ?? throw new InvalidOperationException("The window is empty.");

    /// <summary>The latest sample that answered within the window, else the latest (the rule of <see cref="Inference.MinerClassifier.Identity"/>).</summary>
    public MinerSample Identity => _answered ?? Latest;

    /// <summary>The polls, oldest first.</summary>
    public PollSummary this[int index] => (uint)index < (uint)Count
        ? _polls[(_start + index) % _polls.Length]
        : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>A window of these samples (the last <see cref="MinerFeatures.WindowSize"/>), as if added one by one.</summary>
    public static MinerWindow Of(IEnumerable<MinerSample> samples)
    {
        var window = new MinerWindow();
        foreach (var sample in samples)
        {
            window.Add(sample);
        }

        return window;
    }

    /// <summary>Appends the newest sample, dropping the oldest poll when full.</summary>
    public void Add(MinerSample sample)
    {
        if (Count == _polls.Length)
        {
            _start = (_start + 1) % _polls.Length;
            Count--;
        }

        _polls[(_start + Count) % _polls.Length] = PollSummary.Of(sample);
        Count++;
        _latest = sample;
        if (sample.State != MiningState.Unreachable)
        {
            _answered = sample;
        }
        else if (_answered is not null && !AnsweredWithin())
        {
            _answered = null; // its poll has left the window
        }
    }

    private bool AnsweredWithin()
    {
        for (var i = 0; i < Count; i++)
        {
            if (this[i].State != MiningState.Unreachable)
            {
                return true;
            }
        }

        return false;
    }
}
