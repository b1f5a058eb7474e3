using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using EdgeFed.Agent.Collectors;
using EdgeFed.Agent.Collectors.Transport;
using Xunit;

namespace EdgeFed.Agent.Tests.Collectors;

/// <summary>Whatsminer API v3 framing against a peer that sends bad frames: typed errors, never a hang or an exception of another kind.</summary>
public sealed class WhatsminerV3TransportTests
{
    private static async Task<PollException> FailsAsync(Func<byte[], byte[]> reply)
    {
        await using var peer = new TcpAcceptor(new IPEndPoint(IPAddress.Loopback, 0), async (socket, stop) =>
        {
            using (socket)
            {
                var request = new byte[256];
                var read = await socket.ReceiveAsync(request, SocketFlags.None, stop);
                await socket.SendAsync(reply(request[..read]), SocketFlags.None, stop);
                socket.Shutdown(SocketShutdown.Both);
            }
        });

        return await Assert.ThrowsAsync<PollException>(() =>
            WhatsminerV3Transport.QueryAsync("127.0.0.1", peer.Endpoint.Port, "get.device.info", null, TimeSpan.FromSeconds(3), CancellationToken.None));
    }

    private static byte[] Frame(int length, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var frame = new byte[4 + bytes.Length];
        BinaryPrimitives.WriteInt32LittleEndian(frame, length);
        bytes.CopyTo(frame, 4);
        return frame;
    }

    [Fact]
    public async Task AnImplausibleLength_IsAMalformedReply() =>
        Assert.Equal(PollErrorKind.MalformedReply, (await FailsAsync(_ => Frame(int.MaxValue, "{}"))).Kind);

    [Fact]
    public async Task AFrameCutShort_IsATruncatedReply() =>
        Assert.Equal(PollErrorKind.TruncatedReply, (await FailsAsync(_ => Frame(100, "{\"code\":0,"))).Kind);

    [Fact]
    public async Task HalfALengthPrefix_IsATruncatedReply() =>
        Assert.Equal(PollErrorKind.TruncatedReply, (await FailsAsync(_ => [0x10, 0x00])).Kind);

    [Fact]
    public async Task TheRequest_IsFramedWithItsLittleEndianLength()
    {
        byte[]? seen = null;
        await FailsAsync(request =>
        {
            seen = request;
            return [0x01];
        });

        Assert.NotNull(seen);
        Assert.Equal(seen!.Length - 4, BinaryPrimitives.ReadInt32LittleEndian(seen));
        Assert.Equal("{\"cmd\":\"get.device.info\"}", Encoding.UTF8.GetString(seen, 4, seen.Length - 4));
    }
}
