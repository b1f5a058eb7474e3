using System.Text.Json;
using EdgeFed.Agent.Collectors.Parsing;
using EdgeFed.Agent.Collectors.Transport;

namespace EdgeFed.Agent.Collectors;

/// <summary>
/// The requests of one poll of one miner. Each failure is recorded as a typed <see cref="PollError"/>; once the
/// device has proved unreachable the remaining requests are skipped, so a dead miner costs one timeout.
/// </summary>
public sealed class PollSession(
    MinerEndpoint endpoint, TimeSpan timeout, AxeOsTransport http, StaticReplyCache cache, TimeProvider time, CancellationToken cancellationToken)
{
    private readonly List<PollError> _errors = [];
    private bool _unreachable;

    public IReadOnlyList<PollError> Errors => _errors;

    public bool Unreachable => _unreachable;

    /// <summary>A CGMiner-style command (<c>{"command":...}</c>) or a btminer one (<c>{"cmd":...}</c>).</summary>
    public Task<JsonElement?> CommandAsync(string command, string key = "command") =>
        RunAsync(command, () => CgminerTransport.QueryAsync(endpoint.Host, endpoint.Port, $"{{\"{key}\":\"{command}\"}}", timeout, cancellationToken));

    /// <summary>A command whose reply describes the device (version, model): served from the cache while fresh.</summary>
    public async Task<JsonElement?> StaticCommandAsync(string command, string key = "command")
    {
        if (cache.TryGet(endpoint, command, out var cached))
        {
            return cached;
        }

        var reply = await CommandAsync(command, key);
        if (reply is { } fresh)
        {
            cache.Put(endpoint, command, fresh);
        }

        return reply;
    }

    public Task<JsonElement?> SystemInfoAsync() =>
        RunAsync("GET /api/system/info", () => http.GetSystemInfoAsync(endpoint.Host, endpoint.Port, timeout, cancellationToken));

    /// <summary>Builds the sample from what was read; a parse failure becomes an error on an unreachable sample.</summary>
    public MinerSample Finish(MinerFamily family, Func<MinerSample> parse)
    {
        MinerSample sample;
        try
        {
            sample = parse();
        }
        catch (PollException ex)
        {
            _errors.Add(new PollError(ex.Kind, "parse", ex.Message));
            sample = new MinerSample { Endpoint = string.Empty, Family = family, State = MiningState.Unreachable };
        }

        return sample with { Endpoint = endpoint.ToString(), Time = time.GetUtcNow(), Errors = _errors.ToList() };
    }

    /// <summary>A sample that is only its errors (the primary request failed).</summary>
    public MinerSample Failed(MinerFamily family) =>
        new() { Endpoint = endpoint.ToString(), Time = time.GetUtcNow(), Family = family, State = MiningState.Unreachable, Errors = _errors.ToList() };

    public void Record(PollErrorKind kind, string command, string message) => _errors.Add(new PollError(kind, command, message));

    private async Task<JsonElement?> RunAsync(string command, Func<Task<byte[]>> request)
    {
        if (_unreachable)
        {
            return null;
        }

        try
        {
            var raw = await request();
            AgentCounters.AddRawReply(raw.Length);
            if (raw.Length == 0)
            {
                throw new PollException(PollErrorKind.EmptyReply, "The device closed the connection without a reply.");
            }

            var reply = LenientJson.Parse(raw);
            CgminerReply.CheckStatus(reply);
            return reply;
        }
        catch (PollException ex)
        {
            _errors.Add(new PollError(ex.Kind, command, ex.Message));
            _unreachable |= ex.Kind is PollErrorKind.ConnectionRefused or PollErrorKind.Timeout or PollErrorKind.ConnectionReset;
            return null;
        }
    }
}
