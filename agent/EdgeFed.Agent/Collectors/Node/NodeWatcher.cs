using EdgeFed.Agent.Attribution;
using NodeBlock = EdgeFed.Agent.Attribution.NodeBlock;

namespace EdgeFed.Agent.Collectors.Node;

/// <summary>
/// Follows a Bitcoin node's best chain: each poll asks for the tip; new blocks are fetched back to a block it
/// already knows (up to <see cref="MaxCatchUp"/>), attributed, and reported in height order with the current run
/// of consecutive blocks by one pool. When the new branch joins below the old tip, the blocks above the join are
/// reported as a reorganisation. It remembers the last <see cref="Remembered"/> blocks.
/// </summary>
public sealed class NodeWatcher(BitcoinRpcClient rpc, PoolAttributor attributor)
{
    public const int MaxCatchUp = 12;
    public const int Remembered = 288;

    /// <summary>How far back the first poll after <see cref="Resume"/> may fetch: a day of blocks, for an agent that was down that long.</summary>
    public const int MaxResumeCatchUp = 144;
    private readonly List<BlockObserved> _chain = [];
    private int _catchUp = MaxCatchUp;

    public IReadOnlyList<BlockObserved> Chain => _chain;

    /// <summary>
    /// Starts from a block reported before a restart, so the first poll fetches what came after it (up to
    /// <see cref="MaxResumeCatchUp"/>) instead of only the tip. Its pool is not remembered, so runs start afresh.
    /// </summary>
    public void Resume(string hash, long height)
    {
        if (_chain.Count == 0)
        {
            _chain.Add(new BlockObserved(height, hash, PoolAttribution.Unknown, 0, null));
            _catchUp = MaxResumeCatchUp;
        }
    }

    public async Task<IReadOnlyList<NodeEvent>> PollAsync(CancellationToken cancellationToken)
    {
        var tip = (await rpc.CallAsync("getbestblockhash", [], cancellationToken)).GetString()!;
        if (_chain.Count > 0 && _chain[^1].Hash == tip)
        {
            return [];
        }

        var fetched = new List<NodeBlock>();
        string? hash = tip;
        while (hash is not null && fetched.Count < _catchUp && _chain.All(b => b.Hash != hash))
        {
            var block = NodeBlock.Parse((await rpc.CallAsync("getblock", [hash, 2], cancellationToken)).GetRawText());
            fetched.Add(block);
            hash = _chain.Count == 0 ? null : block.PreviousHash;
        }

        var events = new List<NodeEvent>();
        if (_chain.Count > 0)
        {
            var join = hash is null ? -1 : _chain.FindIndex(b => b.Hash == hash);
            // Joined below our tip: the blocks above the join are gone. Not joined within reach: if the new blocks
            // reach down to heights we hold, ours were replaced (a deep reorg); otherwise we merely missed blocks.
            var keep = join >= 0 ? join + 1 : _chain.FindIndex(b => b.Height >= fetched[^1].Height) is var at and >= 0 ? at : _chain.Count;
            if (keep < _chain.Count)
            {
                var removed = _chain.Skip(keep).Reverse().ToList();
                _chain.RemoveRange(keep, _chain.Count - keep);
                events.Add(new ReorgObserved(removed.Count, removed[^1].Height - 1, removed.Select(b => b.Hash).ToList()));
            }
            else if (join < 0)
            {
                _chain.Clear(); // a gap: runs cannot continue across blocks we did not see
            }
        }

        foreach (var block in Enumerable.Reverse(fetched))
        {
            var pool = attributor.Attribute(block.Coinbase);
            var run = _chain.Count > 0 && _chain[^1].Pool.Slug == pool.Slug && pool.IsKnown ? _chain[^1].RunLength + 1 : 1;
            var observed = new BlockObserved(block.Height, block.Hash, pool, run, block.Time, block.Difficulty, block.TxCount);
            _chain.Add(observed);
            events.Add(observed);
        }

        _catchUp = MaxCatchUp;
        if (_chain.Count > Remembered)
        {
            _chain.RemoveRange(0, _chain.Count - Remembered);
        }

        return events;
    }
}
