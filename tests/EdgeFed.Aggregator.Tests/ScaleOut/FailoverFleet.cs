using System.Collections.Concurrent;
using EdgeFed.Agent.Uplink;
using EdgeFed.Protocol.V1;
using Grpc.Core;
using Grpc.Net.Client;
using static EdgeFed.Aggregator.Tests.ReportBuilder;

namespace EdgeFed.Aggregator.Tests.ScaleOut;

/// <summary>
/// Many agents' Report streams from one process, for the drills: each agent sends its reports one at a time over real
/// gRPC, keeps every unacknowledged one, and picks its replica with the agent's own <see cref="AggregatorEndpoints"/>
/// (preferred by its id, the next one on any failure). Records every ack, so a drill can check that each
/// acknowledged report is stored exactly once. <paramref name="pace"/> spaces each agent's reports, so a drill's fault
/// lands while reports are still being sent however fast the machine is.
/// </summary>
internal sealed class FailoverFleet(IReadOnlyList<Uri> replicas, int agents, int reportsEach, string prefix = "drill", TimeSpan pace = default) : IDisposable
{
    private readonly Dictionary<string, GrpcChannel> _channels = replicas.ToDictionary(r => r.ToString(), r => GrpcChannel.ForAddress(r, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, ConnectTimeout = TimeSpan.FromSeconds(5) },
    }));

    private readonly Dictionary<string, string> _keys = [];
    private int _acked;
    private int _failovers;

    public IReadOnlyList<string> Agents { get; } = Enumerable.Range(1, agents).Select(i => $"{prefix}-{i:D4}").ToList();

    /// <summary>Every acknowledgement: (agent, sequence) → whether it came back as a duplicate.</summary>
    public ConcurrentDictionary<(string Agent, ulong Sequence), bool> Acks { get; } = new();

    public int Acked => Volatile.Read(ref _acked);

    /// <summary>Failures after which an agent moved to the next replica.</summary>
    public int Failovers => Volatile.Read(ref _failovers);

    /// <summary>Agents that ended on another replica than the one they prefer.</summary>
    public ConcurrentDictionary<string, int> EndedOn { get; } = new();

    public int Total => agents * reportsEach;

    public async Task EnrollAsync()
    {
        var client = new Protocol.V1.Aggregator.AggregatorClient(_channels[replicas[0].ToString()]);
        foreach (var agent in Agents)
        {
            _keys[agent] = (await client.EnrollAsync(new EnrollRequest { AgentId = agent, EnrolmentToken = AggregatorHost.Token, Region = "CA" })).AgentKey;
        }
    }

    /// <summary>Runs every agent until all its reports are acknowledged, or <paramref name="limit"/> passes (then throws).</summary>
    public async Task RunAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        await Task.WhenAll(Agents.Select(agent => Task.Run(() => AgentAsync(agent, timeout.Token))));
    }

    private async Task AgentAsync(string agent, CancellationToken cancellationToken)
    {
        var endpoints = new AggregatorEndpoints(replicas.Select(r => r.ToString()).ToList(), agent, TimeSpan.FromHours(1), TimeProvider.System);
        var headers = new Metadata { { "authorization", "Bearer " + _keys[agent] } };
        var next = 1UL;
        AggregateReport? unacked = null; // resent as it was, as the agent's outbox resends it
        while (next <= (ulong)reportsEach)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var client = new Protocol.V1.Aggregator.AggregatorClient(_channels[endpoints.Current]);
                using var call = client.Report(new CallOptions(headers, DateTime.UtcNow.AddMinutes(2), cancellationToken));
                while (next <= (ulong)reportsEach)
                {
                    unacked ??= Report(agent, next, Cell("foundryusa", 100), Cell("antpool", 50));
                    await call.RequestStream.WriteAsync(unacked, cancellationToken);
                    if (!await call.ResponseStream.MoveNext(cancellationToken))
                    {
                        throw new RpcException(new Status(StatusCode.Unavailable, "stream ended"));
                    }

                    var ack = call.ResponseStream.Current;
                    if (ack.Sequence != next)
                    {
                        throw new InvalidOperationException($"{agent}: ack {ack.Sequence} for report {next}");
                    }

                    Acks[(agent, next)] = ack.Duplicate;
                    Interlocked.Increment(ref _acked);
                    unacked = null;
                    next++;
                    if (pace > TimeSpan.Zero)
                    {
                        await Task.Delay(pace, cancellationToken);
                    }
                }

                await call.RequestStream.CompleteAsync();
            }
            catch (Exception ex) when (ex is RpcException or IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
            {
                endpoints.Failover();
                Interlocked.Increment(ref _failovers);
                await Task.Delay(Random.Shared.Next(50, 300), cancellationToken);
            }
        }

        EndedOn.AddOrUpdate(endpoints.Current, 1, (_, n) => n + 1);
    }

    public void Dispose()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }
    }
}
