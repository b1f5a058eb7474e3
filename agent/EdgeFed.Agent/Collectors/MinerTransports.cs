using EdgeFed.Agent.Collectors.Braiins;
using EdgeFed.Agent.Collectors.Transport;

namespace EdgeFed.Agent.Collectors;

/// <summary>
/// The clients a poll shares across miners: HTTP (AxeOS, ePIC, Proto, Braiins OS GraphQL with its session cookies per
/// miner) and the Braiins OS gRPC channels.
/// </summary>
public sealed class MinerTransports(PollOptions options) : IDisposable
{
    public HttpTransport Http { get; } = new();

    public BraiinsApiClient Braiins { get; } = new(options.BraiinsUser, options.BraiinsPassword);

    public System.Collections.Concurrent.ConcurrentDictionary<string, string> GraphqlSessions { get; } = new();

    public PollOptions Options { get; } = options;

    public void Dispose()
    {
        Http.Dispose();
        Braiins.Dispose();
    }
}
