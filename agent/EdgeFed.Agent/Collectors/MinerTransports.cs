using EdgeFed.Agent.Collectors.Braiins;
using EdgeFed.Agent.Collectors.Transport;

namespace EdgeFed.Agent.Collectors;

/// <summary>
/// The clients a poll shares across miners: HTTP (AxeOS, ePIC, Proto, Braiins OS GraphQL with its session cookies per
/// miner) and the Braiins OS gRPC channels, and which CGMiner firmware answers joined commands.
/// </summary>
public sealed class MinerTransports(PollOptions options) : IDisposable
{
    public HttpTransport Http { get; } = new();

    public BraiinsApiClient Braiins { get; } = new(options.BraiinsUser, options.BraiinsPassword);

    public System.Collections.Concurrent.ConcurrentDictionary<string, string> GraphqlSessions { get; } = new();

    /// <summary>CGMiner endpoints whose firmware refused a joined command: asked one command per connection from then on.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, bool> JoinRefused { get; } = new();

    public PollOptions Options { get; } = options;

    public void Dispose()
    {
        Http.Dispose();
        Braiins.Dispose();
    }
}
