using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Health.V1;
using EdgeFed.Protocol.V1;
using Google.Protobuf.WellKnownTypes;

namespace EdgeFed.Aggregator.Cli;

/// <summary>What the console and <c>status</c> show: health, concentration per view, agents and alerts, read over gRPC.</summary>
public sealed record Snapshot(
    string Health, IReadOnlyList<(string View, ConcentrationResponse Concentration)> Views, IReadOnlyList<AgentInfo> Agents, IReadOnlyList<Alert> Alerts,
    DateTimeOffset At)
{
    /// <summary>The views, in display order: hashrate by each dimension, then blocks by pool and by template provider.</summary>
    public static readonly (string Name, Dimension Dimension, Basis Basis)[] ViewList =
    [
        ("pool (hashrate)", Dimension.Pool, Basis.Hashrate),
        ("template provider (hashrate)", Dimension.TemplateProvider, Basis.Hashrate),
        ("vendor", Dimension.Vendor, Basis.Hashrate),
        ("model", Dimension.Model, Basis.Hashrate),
        ("region", Dimension.Region, Basis.Hashrate),
        ("health", Dimension.Health, Basis.Hashrate),
        ("pool (blocks)", Dimension.Pool, Basis.Blocks),
        ("template provider (blocks)", Dimension.TemplateProvider, Basis.Blocks),
    ];

    /// <summary>Reads a snapshot covering the last <paramref name="window"/> (null: everything stored).</summary>
    public static async Task<Snapshot> ReadAsync(GrpcChannel channel, TimeSpan? window, CancellationToken cancellationToken)
    {
        var options = new CallOptions(deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: cancellationToken);
        var client = new Protocol.V1.Aggregator.AggregatorClient(channel);
        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), options);
        var now = DateTimeOffset.UtcNow;
        var views = new List<(string, ConcentrationResponse)>();
        foreach (var (name, dimension, basis) in ViewList)
        {
            var request = new ConcentrationRequest { Dimension = dimension, Basis = basis };
            if (window is { } w)
            {
                request.From = Timestamp.FromDateTimeOffset(now - w);
            }

            views.Add((name, await client.GetConcentrationAsync(request, options)));
        }

        var agents = await client.ListAgentsAsync(new ListAgentsRequest(), options);
        var alerts = await client.ListAlertsAsync(new ListAlertsRequest { Limit = 20 }, options);
        return new Snapshot(health.Status.ToString(), views, agents.Agents, alerts.Alerts, now);
    }
}
