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
    private readonly MinerTransports _transports = new(options.Value);
    private readonly StaticReplyCache _cache = new(time);
    private readonly ConcurrentDictionary<string, (MinerFamily Family, int Port)> _detected = new();

    public async Task<MinerSample> PollAsync(MinerEndpoint endpoint, CancellationToken cancellationToken)
    {
        AgentCounters.AddPoll();
        MinerSample sample;
        try
        {
            var (family, session) = await FamilyOfAsync(endpoint, cancellationToken);
            // An undetected device reports what detection ran into (refused, timeout, or an unknown firmware).
            sample = await FamilyCollectors.PollAsync(family, session ?? NewSession(endpoint, cancellationToken));
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

    public void Dispose() => _transports.Dispose();

    private async Task<(MinerFamily Family, PollSession? Detection)> FamilyOfAsync(MinerEndpoint endpoint, CancellationToken cancellationToken)
    {
        if (endpoint.Family is { } configured)
        {
            return (configured, null);
        }

        if (_detected.TryGetValue(endpoint.ToString(), out var known))
        {
            return (known.Family, NewSession(endpoint with { Port = known.Port }, cancellationToken));
        }

        var detection = await FamilyDetector.DetectAsync(NewSession(endpoint, cancellationToken), port => NewSession(endpoint with { Port = port }, cancellationToken));
        detection.Session.Texts = null;
        if (detection.Family != MinerFamily.Unknown)
        {
            // Remembered with the port it answered on: a unit whose API moved (4433, 50051) is polled there.
            _detected[endpoint.ToString()] = (detection.Family, detection.Session.Endpoint.Port);
            return (detection.Family, NewSession(detection.Session.Endpoint, cancellationToken));
        }

        return (MinerFamily.Unknown, detection.Session);
    }

    private PollSession NewSession(MinerEndpoint endpoint, CancellationToken cancellationToken) =>
        new(endpoint, options.Value.RequestTimeout, _transports, _cache, time, cancellationToken);
}
