using System.Net;
using System.Net.Sockets;

namespace EdgeFed.Agent.Collectors.Transport;

/// <summary>
/// Listens on an address and hands every accepted connection to a handler, which owns the socket, until disposed.
/// Shared by the pass-through proxy and the emulators.
/// </summary>
public sealed class TcpAcceptor : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public TcpAcceptor(IPEndPoint bind, Func<Socket, CancellationToken, Task> handle, int backlog = 64)
    {
        _listener = new TcpListener(bind);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start(backlog);
        _accepting = AcceptAsync(handle);
    }

    public IPEndPoint Endpoint => (IPEndPoint)_listener.LocalEndpoint;

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }

    private async Task AcceptAsync(Func<Socket, CancellationToken, Task> handle)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = handle(socket, _stop.Token);
        }
    }
}
