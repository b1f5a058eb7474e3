using System.Net.Sockets;
using System.Text;

namespace EdgeFed.Agent.Collectors.Transport;

/// <summary>
/// The CGMiner-style RPC on TCP (port 4028): one JSON request per connection, the reply read until the device
/// closes. Bounded in time (connect + reply) and size, so a slow, silent or babbling device costs one timeout.
/// </summary>
public static class CgminerTransport
{
    public const int MaxReplyBytes = 4 * 1024 * 1024;

    public static Task<byte[]> QueryAsync(string host, int port, string request, TimeSpan timeout, CancellationToken cancellationToken) =>
        SocketCall.RunAsync(host, port, timeout, cancellationToken, async (socket, token) =>
        {
            await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None, token);
            return await ReadToEndAsync(socket, token);
        });

    private static async Task<byte[]> ReadToEndAsync(Socket socket, CancellationToken cancellationToken)
    {
        using var reply = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken)) > 0)
        {
            if (reply.Length + read > MaxReplyBytes)
            {
                throw new PollException(PollErrorKind.MalformedReply, $"Reply exceeds {MaxReplyBytes} bytes.");
            }

            reply.Write(buffer, 0, read);
        }

        return reply.ToArray();
    }
}
