using EdgeFed.Agent.Outbox;
using EdgeFed.Protocol.V1;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeFed.Agent.Uplink;

/// <summary>
/// The agent's link to the aggregator: health check, enrolment, and the Report stream with acks, to the replica
/// <see cref="Endpoints"/> names (one channel per replica, made when first used).
/// </summary>
public sealed class AggregatorUplink : IDisposable
{
    private readonly AgentOptions _options;
    private readonly AgentStateStore _state;
    private readonly ILogger<AggregatorUplink> _logger;
    private readonly Dictionary<string, GrpcChannel> _channels = new(StringComparer.Ordinal);

    public AggregatorUplink(IOptions<AgentOptions> options, AgentStateStore state, ILogger<AggregatorUplink> logger, TimeProvider? time = null)
    {
        _options = options.Value;
        _state = state;
        _logger = logger;
        Endpoints = new AggregatorEndpoints(_options.Aggregators, _options.AgentId, _options.AggregatorReturnAfter, time ?? TimeProvider.System);
    }

    public AggregatorEndpoints Endpoints { get; }

    /// <summary>The replica in use.</summary>
    public string Url => Endpoints.Current;

    private GrpcChannel Channel
    {
        get
        {
            if (!_channels.TryGetValue(Endpoints.Current, out var channel))
            {
                channel = AggregatorChannel.Create(Endpoints.Current, _options.AggregatorCaFile);
                _channels[Endpoints.Current] = channel;
            }

            return channel;
        }
    }

    private Protocol.V1.Aggregator.AggregatorClient Client => new(Channel);

    public async Task<HealthCheckResponse.Types.ServingStatus> CheckHealthAsync(CancellationToken cancellationToken)
    {
        var response = await new Health.HealthClient(Channel).CheckAsync(
            new HealthCheckRequest { Service = Protocol.V1.Aggregator.Descriptor.FullName }, Deadline(cancellationToken));
        return response.Status;
    }

    /// <summary>The agent key from state, enrolling with the token the first time.</summary>
    public async Task<string> EnsureEnrolledAsync(bool force, CancellationToken cancellationToken)
    {
        if (!force && _state.AgentKey is { } existing)
        {
            return existing;
        }

        if (string.IsNullOrEmpty(_options.EnrolmentToken))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "This agent has no key yet and Agent:EnrolmentToken is not set."));
        }

        var response = await Client.EnrollAsync(new EnrollRequest
        {
            AgentId = _options.AgentId,
            EnrolmentToken = _options.EnrolmentToken,
            Region = _options.Region,
            Kind = _options.Kind,
        }, Deadline(cancellationToken));
        _state.AgentKey = response.AgentKey;
        Log.Enrolled(_logger, _options.AgentId);
        return response.AgentKey;
    }

    /// <summary>Opens the Report stream, authenticated with the agent key.</summary>
    public ReportSession OpenReportStream(string agentKey, TimeSpan ackTimeout, CancellationToken cancellationToken)
    {
        var headers = new Metadata { { "authorization", "Bearer " + agentKey } };
        if (_options.ReportCompression == "gzip")
        {
            // Grpc.Net.Client compresses the request messages of a call that names an algorithm in this header.
            headers.Add("grpc-internal-encoding-request", "gzip");
        }

        return new ReportSession(Client.Report(new CallOptions(headers, cancellationToken: cancellationToken)), ackTimeout);
    }

    public void Dispose()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }
    }

    private static CallOptions Deadline(CancellationToken cancellationToken) =>
        new(deadline: DateTime.UtcNow.AddSeconds(15), cancellationToken: cancellationToken);
}
