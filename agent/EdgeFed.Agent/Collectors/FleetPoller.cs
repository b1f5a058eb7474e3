using Microsoft.Extensions.Options;

namespace EdgeFed.Agent.Collectors;

/// <summary>Polls many miners at once, at most <see cref="PollOptions.MaxConcurrentPolls"/> in flight; a slow one delays only itself.</summary>
public sealed class FleetPoller(MinerCollector collector, IOptions<PollOptions> options)
{
    public async Task<IReadOnlyList<MinerSample>> PollAllAsync(IReadOnlyList<MinerEndpoint> miners, CancellationToken cancellationToken)
    {
        using var gate = new SemaphoreSlim(options.Value.MaxConcurrentPolls);
        var polls = miners.Select(async miner =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                return await collector.PollAsync(miner, cancellationToken);
            }
            finally
            {
                gate.Release();
            }
        });
        return await Task.WhenAll(polls);
    }
}
