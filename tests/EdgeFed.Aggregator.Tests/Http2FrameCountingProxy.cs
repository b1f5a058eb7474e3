using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace EdgeFed.Aggregator.Tests;

/// <summary>
/// A loopback TCP proxy in front of an h2c server that parses the client's HTTP/2 frames (after the 24-byte
/// connection preface) and counts PING frames that are not ACKs. Bounded: it serves one connection.
/// </summary>
public sealed class Http2FrameCountingProxy : IAsyncDisposable
{
    private const int PrefaceLength = 24;
    private const byte PingType = 0x6;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;
    private int _pings;

    public Http2FrameCountingProxy(Uri upstream)
    {
        _listener.Start();
        _run = RunAsync(upstream);
    }

    public Uri Address => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    public int ClientPings => Volatile.Read(ref _pings);

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            await _run;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
        }
    }

    private async Task RunAsync(Uri upstream)
    {
        using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
        using var server = new TcpClient();
        await server.ConnectAsync(upstream.Host, upstream.Port, _stop.Token);
        var up = PumpAsync(client.GetStream(), server.GetStream(), inspect: true);
        var down = PumpAsync(server.GetStream(), client.GetStream(), inspect: false);
        await Task.WhenAny(up, down);
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool inspect)
    {
        var buffer = new byte[64 * 1024];
        var pending = new List<byte>();
        var prefaceLeft = PrefaceLength;
        int read;
        while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
        {
            await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            if (!inspect)
            {
                continue;
            }

            var start = Math.Min(prefaceLeft, read);
            prefaceLeft -= start;
            pending.AddRange(buffer.AsSpan(start, read - start).ToArray());
            while (pending.Count >= 9)
            {
                var length = (pending[0] << 16) | (pending[1] << 8) | pending[2];
                if (pending.Count < 9 + length)
                {
                    break;
                }

                var isAck = (pending[4] & 0x1) != 0;
                if (pending[3] == PingType && !isAck)
                {
                    Interlocked.Increment(ref _pings);
                }

                pending.RemoveRange(0, 9 + length);
            }
        }
    }
}
