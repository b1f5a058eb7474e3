using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace EdgeFed.Aggregator.Tests;

/// <summary>What the proxy does to traffic from now on.</summary>
public enum LinkMode
{
    /// <summary>Relay both ways.</summary>
    Pass,

    /// <summary>Accept and read, forward nothing either way: a link that silently eats packets.</summary>
    Blackhole,

    /// <summary>Relay, each chunk held back by <see cref="FaultProxy.Delay"/>.</summary>
    Delay,
}

/// <summary>
/// A TCP proxy on 127.0.0.1:0 in front of the aggregator, under the test's control: it keeps every byte the clients
/// send, and can blackhole, delay, or reset every open connection (RST), as a flaky network does.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly MemoryStream _sent = new();
    private readonly ConcurrentDictionary<TcpClient, byte> _open = new();
    private readonly Task _accepting;

    public FaultProxy(Uri target)
    {
        _target = new IPEndPoint(IPAddress.Parse(target.Host), target.Port);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri Address => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    public LinkMode Mode { get; set; } = LinkMode.Pass;

    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(300);

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

    /// <summary>Resets every open connection (RST, as a dropped link or a NAT timeout does).</summary>
    public void ResetAll()
    {
        foreach (var client in _open.Keys)
        {
            try
            {
                client.Client.LingerState = new LingerOption(true, 0);
                client.Close();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        ResetAll();
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
        _open[client] = 0;
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
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
            {
                // A side closed or was reset: the relay ends.
            }
            finally
            {
                _open.TryRemove(client, out _);
            }
        }
    }

    private async Task Pump(Stream from, Stream to, bool capture)
    {
        var buffer = new byte[16384];
        int read;
        while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
        {
            switch (Mode)
            {
                case LinkMode.Blackhole:
                    continue;
                case LinkMode.Delay:
                    await Task.Delay(Delay, _stop.Token);
                    break;
            }

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
