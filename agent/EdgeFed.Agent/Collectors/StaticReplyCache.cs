using System.Collections.Concurrent;
using System.Text.Json;

namespace EdgeFed.Agent.Collectors;

/// <summary>
/// Replies that describe the device rather than its state (version, devdetails, get_version) change only with a
/// firmware upgrade: kept per miner for <see cref="Lifetime"/>, they save one to three connections per poll.
/// </summary>
public sealed class StaticReplyCache(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    private readonly ConcurrentDictionary<(string Endpoint, string Command), (JsonElement Reply, DateTimeOffset Expires)> _replies = new();

    public bool TryGet(MinerEndpoint endpoint, string command, out JsonElement reply)
    {
        if (_replies.TryGetValue((endpoint.ToString(), command), out var entry) && entry.Expires > time.GetUtcNow())
        {
            reply = entry.Reply;
            return true;
        }

        reply = default;
        return false;
    }

    public void Put(MinerEndpoint endpoint, string command, JsonElement reply) =>
        _replies[(endpoint.ToString(), command)] = (reply, time.GetUtcNow() + Lifetime);
}
