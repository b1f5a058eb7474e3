using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using EdgeFed.Agent.Attribution.Bitcoin;
using EdgeFed.Agent.Collectors.Stratum;

namespace EdgeFed.Agent.Emulator;

/// <summary>A block template a pool hands out: its coinbase around 8 bytes of extranonce space, and the rest of the template.</summary>
public sealed record PoolJobTemplate(string Coinb1Hex, string Coinb2Hex, string StratumPrevHash, IReadOnlyList<string> MerkleBranches)
{
    /// <summary>From a real coinbase (scriptSig and outputs): 8 bytes of extranonce space are added at the end of its scriptSig.</summary>
    public static PoolJobTemplate FromCoinbase(byte[] scriptSig, IReadOnlyList<TxOutput> outputs, string stratumPrevHash, IReadOnlyList<string> branches)
    {
        var tx = CoinbaseBuilder.Serialize([.. scriptSig, .. new byte[8]], outputs);
        var extranonceAt = CoinbaseBuilder.ScriptSigOffset + scriptSig.Length;
        return new PoolJobTemplate(Convert.ToHexStringLower(tx[..extranonceAt]), Convert.ToHexStringLower(tx[(extranonceAt + 8)..]), stratumPrevHash, branches);
    }
}

/// <summary>
/// A stratum v1 pool on 127.0.0.1:0 for tests and demos: answers subscribe (4-byte extranonce1, extranonce2_size 4)
/// and authorize, then sends set_difficulty and a <c>mining.notify</c> per template, one every <c>interval</c>.
/// </summary>
public sealed class StratumPoolEmulator : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IReadOnlyList<PoolJobTemplate> _templates;
    private readonly TimeSpan _interval;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _sessions;

    public StratumPoolEmulator(IReadOnlyList<PoolJobTemplate> templates, TimeSpan interval)
    {
        _templates = templates;
        _interval = interval;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri Url => new($"stratum+tcp://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    /// <summary>Users that authorized (the emulator stands in for the pool, which does see them).</summary>
    public List<string> AuthorizedUsers { get; } = [];

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = ServeAsync(client, Interlocked.Increment(ref _sessions));
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
        }
    }

    private async Task ServeAsync(TcpClient client, int session)
    {
        using (client)
        {
            var stream = client.GetStream();
            var gate = new SemaphoreSlim(1, 1);
            async Task Send(object message)
            {
                await gate.WaitAsync(_stop.Token);
                try
                {
                    await stream.WriteAsync(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(message) + "\n"), _stop.Token);
                }
                finally
                {
                    gate.Release();
                }
            }

            try
            {
                var reader = new LineReader(stream, 64 * 1024);
                Task? jobs = null;
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    if (StratumMessages.TryParse(line) is not { } request || !request.TryGetProperty("id", out var idElement))
                    {
                        continue;
                    }

                    var id = idElement.Clone();
                    switch (StratumMessages.Method(request))
                    {
                        case "mining.subscribe":
                            await Send(new { id, result = new object[] { new[] { new[] { "mining.notify", $"{session:x8}" } }, $"{session:x8}", 4 }, error = (object?)null });
                            break;
                        case "mining.authorize":
                            lock (AuthorizedUsers)
                            {
                                AuthorizedUsers.Add(request.GetProperty("params")[0].GetString() ?? string.Empty);
                            }

                            await Send(new { id, result = true, error = (object?)null });
                            jobs ??= SendJobsAsync(Send);
                            break;
                        case "mining.submit":
                            await Send(new { id, result = true, error = (object?)null });
                            break;
                        default:
                            await Send(new { id, result = (object?)null, error = new object?[] { 20, "Unknown method", null } });
                            break;
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or InvalidDataException)
            {
            }
        }
    }

    private async Task SendJobsAsync(Func<object, Task> send)
    {
        await send(new { id = (object?)null, method = "mining.set_difficulty", @params = new[] { 65536 } });
        for (var i = 0; i < _templates.Count; i++)
        {
            var t = _templates[i];
            await send(new
            {
                id = (object?)null,
                method = "mining.notify",
                @params = new object[] { $"{i:x4}", t.StratumPrevHash, t.Coinb1Hex, t.Coinb2Hex, t.MerkleBranches, "20000000", "17034219", "65a1b2c3", i == 0 },
            });
            await Task.Delay(_interval, _stop.Token);
        }
    }
}
