using System.Collections.Concurrent;
using EdgeFed.Agent.Collectors.Families;
using EdgeFed.Agent.Collectors.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeFed.Agent.Collectors;

/// <summary>
/// Polls one miner: the configured family, else the one detected (and remembered) from its answers. Never throws
/// for anything a device does: every failure is a typed error in the sample and a log line.
/// </summary>
public sealed class MinerCollector(IOptions<PollOptions> options, TimeProvider time, ILogger<MinerCollector> logger) : IDisposable
{
    private readonly AxeOsTransport _http = new();
    private readonly StaticReplyCache _cache = new(time);
    private readonly ConcurrentDictionary<string, MinerFamily> _detected = new();

    public async Task<MinerSample> PollAsync(MinerEndpoint endpoint, CancellationToken cancellationToken)
    {
        AgentCounters.AddPoll();
        MinerSample sample;
        try
        {
            var (family, detection) = await FamilyOfAsync(endpoint, cancellationToken);
            // An undetected device reports what detection ran into (refused, timeout, or an unknown firmware).
            sample = await FamilyCollectors.PollAsync(family, family == MinerFamily.Unknown && detection is not null ? detection : NewSession(endpoint, cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // A reply shaped in a way no parser foresaw must still not stop the agent.
            sample = new MinerSample
            {
                Endpoint = endpoint.ToString(), Time = time.GetUtcNow(), Family = endpoint.Family ?? MinerFamily.Unknown, State = MiningState.Unreachable,
                Errors = [new PollError(PollErrorKind.MalformedReply, "parse", $"{ex.GetType().Name}: {ex.Message}")],
            };
        }

        foreach (var error in sample.Errors)
        {
            Log.PollFailed(logger, sample.Endpoint, error.Kind.ToString(), error.Command, error.Message);
        }

        return sample;
    }

    public void Dispose() => _http.Dispose();

    private async Task<(MinerFamily Family, PollSession? Detection)> FamilyOfAsync(MinerEndpoint endpoint, CancellationToken cancellationToken)
    {
        if (endpoint.Family is { } configured)
        {
            return (configured, null);
        }

        if (_detected.TryGetValue(endpoint.ToString(), out var known))
        {
            return (known, null);
        }

        var detection = NewSession(endpoint, cancellationToken);
        var family = await FamilyDetector.DetectAsync(detection);
        if (family != MinerFamily.Unknown)
        {
            _detected[endpoint.ToString()] = family;
        }

        return (family, detection);
    }

    private PollSession NewSession(MinerEndpoint endpoint, CancellationToken cancellationToken) =>
        new(endpoint, options.Value.RequestTimeout, _http, _cache, time, cancellationToken);
}
