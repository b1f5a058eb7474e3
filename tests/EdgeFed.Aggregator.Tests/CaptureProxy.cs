using System.Net;
using System.Net.Sockets;

namespace EdgeFed.Aggregator.Tests;

/// <summary>A TCP proxy on 127.0.0.1:0 in front of the aggregator that keeps every byte the clients send.</summary>
public sealed class CaptureProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly MemoryStream _sent = new();
    private readonly Task _accepting;

    public CaptureProxy(Uri target)
    {
        _target = new IPEndPoint(IPAddress.Parse(target.Host), target.Port);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri Address => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    /// <summary>Everything sent to the aggregator so far, all connections in arrival order.</summary>
    public byte[] Sent
    {
        get
        {
            lock (_sent)
            {
                return _sent.ToArray();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting.ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        using (var upstream = new TcpClient())
        {
            try
            {
                await upstream.ConnectAsync(_target, _stop.Token);
                var up = Pump(client.GetStream(), upstream.GetStream(), capture: true);
                var down = Pump(upstream.GetStream(), client.GetStream(), capture: false);
                await Task.WhenAny(up, down);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
            {
                // A side closed: the relay ends.
            }
        }
    }

    private async Task Pump(Stream from, Stream to, bool capture)
    {
        var buffer = new byte[16384];
        int read;
        while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
        {
            if (capture)
            {
                lock (_sent)
                {
                    _sent.Write(buffer, 0, read);
                }
            }

            await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }
}
