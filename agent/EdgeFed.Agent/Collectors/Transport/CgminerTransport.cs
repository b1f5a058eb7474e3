using System.Buffers;
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
    private const int InitialBufferBytes = 16 * 1024;
    private const int PooledBytes = 64 * 1024;

    public static Task<byte[]> QueryAsync(string host, int port, string request, TimeSpan timeout, CancellationToken cancellationToken) =>
        SocketCall.RunAsync(host, port, timeout, cancellationToken, async (socket, token) =>
        {
            await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None, token);
            return await ReadToEndAsync(socket, token);
        });

    /// <summary>
    /// Reads into a pooled buffer, doubled when a reply outgrows it, so the reply itself is the only allocation a poll
    /// keeps: with 1,000 miners a new 16 KiB buffer and a growing stream per command were most of the agent's garbage
    /// and so most of its collections. Buffers above <see cref="PooledBytes"/> are not given back, so one babbling
    /// device does not leave megabytes in the pool.
    /// </summary>
    private static async Task<byte[]> ReadToEndAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBufferBytes);
        var length = 0;
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, cancellationToken)) > 0)
            {
                if (length + read > MaxReplyBytes)
                {
                    throw new PollException(PollErrorKind.MalformedReply, $"Reply exceeds {MaxReplyBytes} bytes.");
                }

                length += read;
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, MaxReplyBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    Return(buffer);
                    buffer = larger;
                }
            }

            return buffer.AsSpan(0, length).ToArray();
        }
        finally
        {
            Return(buffer);
        }
    }

    private static void Return(byte[] buffer)
    {
        if (buffer.Length <= PooledBytes)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
