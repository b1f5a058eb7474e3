using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace EdgeFed.Agent.Collectors.Transport;

/// <summary>
/// Whatsminer API v3 (firmware from late 2024 on): TCP 4433, each message a 4-byte little-endian length and then
/// JSON (<c>{"cmd": ..., "param": ...}</c>); the reply is framed the same way. One request per connection, bounded
/// in time and size like the CGMiner socket.
/// </summary>
public static class WhatsminerV3Transport
{
    public const int DefaultPort = 4433;

    public static async Task<byte[]> QueryAsync(string host, int port, string cmd, string? param, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var request = Encoding.UTF8.GetBytes(param is null ? $"{{\"cmd\":\"{cmd}\"}}" : $"{{\"cmd\":\"{cmd}\",\"param\":\"{param}\"}}");
        var frame = new byte[4 + request.Length];
        BinaryPrimitives.WriteInt32LittleEndian(frame, request.Length);
        request.CopyTo(frame, 4);
        return await SocketCall.RunAsync(host, port, timeout, cancellationToken, async (socket, token) =>
        {
            await socket.SendAsync(frame, SocketFlags.None, token);
            var header = new byte[4];
            var got = await ReadAsync(socket, header, token);
            if (got == 0)
            {
                return []; // closed without a reply
            }

            if (got < 4)
            {
                throw new PollException(PollErrorKind.TruncatedReply, $"Reply ends after {got} bytes of its 4-byte length.");
            }

            var length = BinaryPrimitives.ReadInt32LittleEndian(header);
            if (length < 0 || length > CgminerTransport.MaxReplyBytes)
            {
                throw new PollException(PollErrorKind.MalformedReply, $"Frame length {length} is not a plausible v3 reply (first bytes {Convert.ToHexString(header)}).");
            }

            var body = new byte[length];
            var read = await ReadAsync(socket, body, token);
            return read == length ? body : throw new PollException(PollErrorKind.TruncatedReply, $"Reply ends after {read} of its {length} bytes.");
        });
    }

    /// <summary>Reads until the buffer is full or the device closes; returns how much arrived.</summary>
    private static async Task<int> ReadAsync(Socket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cancellationToken)) > 0)
        {
            read += n;
        }

        return read;
    }
}
