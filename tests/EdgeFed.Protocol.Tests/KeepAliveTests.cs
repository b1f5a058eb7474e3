using EdgeFed.Protocol.Client;
using EdgeFed.Protocol.Tests.Infrastructure;
using EdgeFed.Protocol.Tests.Interop;
using Xunit;

namespace EdgeFed.Protocol.Tests;

public sealed class KeepAliveTests
{
    [Fact]
    public async Task Client_SendsHttp2Pings_OnAnOpenConnection()
    {
        await using var server = await TestGrpcServer.StartAsync();
        await using var proxy = new Http2FrameCountingProxy(server.Address);
        using var channel = GrpcChannel.ForAddress(proxy.Address, new GrpcChannelOptions { KeepAlivePingDelay = TimeSpan.FromSeconds(1) });
        await new InteropContract.Client(channel).UnaryAsync(new EchoRequest { Text = "open the connection" });
        await Task.Delay(300);
        var afterCall = proxy.ClientPings; // SocketsHttpHandler may also ping once to estimate round-trip time

        // Wait (bounded) for the pings the handler sends on its own while the connection sits idle.
        for (var waited = 0; proxy.ClientPings <= afterCall && waited < 100; waited++)
        {
            await Task.Delay(100);
        }

        Assert.True(proxy.ClientPings > afterCall, "no keepalive PING from the client on the idle connection within 10 s");
    }

    [Fact]
    public async Task Client_WithoutKeepAlive_SendsNoPings()
    {
        await using var server = await TestGrpcServer.StartAsync();
        await using var proxy = new Http2FrameCountingProxy(server.Address);
        using var channel = GrpcChannel.ForAddress(proxy.Address, new GrpcChannelOptions { KeepAlivePingDelay = null });
        await new InteropContract.Client(channel).UnaryAsync(new EchoRequest { Text = "open the connection" });
        await Task.Delay(300);
        var afterCall = proxy.ClientPings;

        await Task.Delay(3000); // three times the delay the other test uses: pings would have come by now

        Assert.Equal(afterCall, proxy.ClientPings);
    }
}
