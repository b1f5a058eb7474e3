using EdgeFed.Agent.Uplink;
using EdgeFed.Protocol.V1;
using Grpc.Core;
using Xunit;

namespace EdgeFed.Aggregator.Tests;

/// <summary>The agent's channel sends HTTP/2 keepalive PINGs on an open Report stream, so a dead link is found while it waits.</summary>
public sealed class UplinkKeepAliveTests
{
    [Fact]
    public async Task TheAgentsChannel_PingsWhileAReportStreamIsOpen()
    {
        await using var host = await AggregatorHost.StartAsync(minAgents: 1);
        await using var proxy = new Http2FrameCountingProxy(host.Address);
        using var channel = AggregatorChannel.Create(proxy.Address.ToString(), caFile: null, keepAlivePingDelay: TimeSpan.FromSeconds(1));
        var client = new Protocol.V1.Aggregator.AggregatorClient(channel);
        var key = (await client.EnrollAsync(new EnrollRequest { AgentId = "pinger", EnrolmentToken = AggregatorHost.Token, Region = "CA" })).AgentKey;
        using var call = client.Report(new CallOptions(new Metadata { { "authorization", "Bearer " + key } }));
        await call.RequestStream.WriteAsync(ReportBuilder.Report("pinger", 1, ReportBuilder.Cell("ocean", 5)));
        Assert.True(await call.ResponseStream.MoveNext());
        await Task.Delay(300);
        var afterAck = proxy.ClientPings; // SocketsHttpHandler may also ping once to estimate the round-trip time

        // Wait (bounded) for the pings the handler sends on its own while the stream sits open and silent.
        for (var waited = 0; proxy.ClientPings <= afterAck && waited < 100; waited++)
        {
            await Task.Delay(100);
        }

        Assert.True(proxy.ClientPings > afterAck, "no keepalive PING from the agent's channel within 10 s of an idle open stream");
        Assert.Equal(TimeSpan.FromSeconds(60), AggregatorChannel.KeepAlivePingDelay);
    }
}
