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

    public static async Task<byte[]> QueryAsync(string host, int port, string request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, cts.Token);
            await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None, cts.Token);
            return await ReadToEndAsync(socket, cts.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PollException(PollErrorKind.Timeout, $"{host}:{port} did not answer within {timeout.TotalSeconds:0.##} s.");
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            throw new PollException(PollErrorKind.ConnectionRefused, $"{host}:{port} refused the connection.", ex);
        }
        catch (SocketException ex)
        {
            throw new PollException(PollErrorKind.ConnectionReset, $"{host}:{port}: {ex.SocketErrorCode}.", ex);
        }
    }

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
