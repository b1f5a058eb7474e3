using System.Net;
using System.Net.Sockets;
using System.Text;
using EdgeFed.Agent.Collectors;
using EdgeFed.Agent.Collectors.Transport;
using Xunit;

namespace EdgeFed.Agent.Tests.Collectors;

/// <summary>The CGMiner RPC read until close, through its pooled, growing buffer: every byte, in order, and a bound.</summary>
public sealed class CgminerTransportTests
{
    private static async Task<byte[]> QueryAsync(byte[] reply, int chunk)
    {
        await using var peer = new TcpAcceptor(new IPEndPoint(IPAddress.Loopback, 0), async (socket, stop) =>
        {
            using (socket)
            {
                await socket.ReceiveAsync(new byte[256], SocketFlags.None, stop);
                for (var at = 0; at < reply.Length; at += chunk)
                {
                    await socket.SendAsync(reply.AsMemory(at, Math.Min(chunk, reply.Length - at)), SocketFlags.None, stop);
                }

                socket.Shutdown(SocketShutdown.Both);
            }
        });

        return await CgminerTransport.QueryAsync("127.0.0.1", peer.Endpoint.Port, "{\"command\":\"stats\"}", TimeSpan.FromSeconds(10), CancellationToken.None);
    }

    /// <summary>A reply of <paramref name="bytes"/> bytes whose every position is checkable: its own offset, in digits.</summary>
    private static byte[] Numbered(int bytes)
    {
        var text = new StringBuilder(bytes + 16);
        while (text.Length < bytes)
        {
            text.Append(text.Length).Append(',');
        }

        return Encoding.ASCII.GetBytes(text.ToString(0, bytes));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(5_000, 5_000)]
    [InlineData(16 * 1024, 1_000)] // exactly the first buffer: it grows once with nothing more to read
    [InlineData(300_000, 7_919)] // several doublings, past the size the pool takes back
    public async Task AReply_ComesBackWhole_HoweverItArrives(int bytes, int chunk)
    {
        var reply = Numbered(bytes);

        Assert.Equal(reply, await QueryAsync(reply, chunk));
    }

    [Fact]
    public async Task AReplyAboveTheBound_IsAMalformedReply()
    {
        var error = await Assert.ThrowsAsync<PollException>(() => QueryAsync(new byte[CgminerTransport.MaxReplyBytes + 1], 256 * 1024));

        Assert.Equal(PollErrorKind.MalformedReply, error.Kind);
        Assert.Contains($"{CgminerTransport.MaxReplyBytes}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReplyOfExactlyTheBound_IsRead() =>
        Assert.Equal(CgminerTransport.MaxReplyBytes, (await QueryAsync(new byte[CgminerTransport.MaxReplyBytes], 256 * 1024)).Length);
}
