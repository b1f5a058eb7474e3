using System.Net.Sockets;

namespace EdgeFed.Agent.Collectors.Transport;

/// <summary>One TCP exchange with a miner under one timeout, its socket failures mapped to typed poll errors.</summary>
public static class SocketCall
{
    public static async Task<byte[]> RunAsync(
        string host, int port, TimeSpan timeout, CancellationToken cancellationToken, Func<Socket, CancellationToken, Task<byte[]>> exchange)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, cts.Token);
            return await exchange(socket, cts.Token);
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
}
