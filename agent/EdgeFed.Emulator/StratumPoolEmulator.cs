using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using EdgeFed.Agent.Attribution.Bitcoin;
using EdgeFed.Agent.Collectors.Stratum;
using EdgeFed.Agent.Collectors.Transport;

namespace EdgeFed.Emulator;

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
/// It accepts a <c>mining.submit</c> for a job it sent and rejects one for any other job, and counts what it accepted
/// (the pool's own view of the miners' work, to check share accounting against).
/// </summary>
public sealed class StratumPoolEmulator : IAsyncDisposable
{
    private readonly IReadOnlyList<PoolJobTemplate> _templates;
    private readonly TimeSpan _interval;
    private readonly TcpAcceptor _acceptor;
    private readonly double _difficulty;
    private int _sessions;
    private long _accepted;
    private long _rejected;

    public StratumPoolEmulator(IReadOnlyList<PoolJobTemplate> templates, TimeSpan interval, double difficulty = 65536)
    {
        _templates = templates;
        _interval = interval;
        _difficulty = difficulty;
        _acceptor = new TcpAcceptor(new IPEndPoint(IPAddress.Loopback, 0), (socket, stop) => ServeAsync(socket, Interlocked.Increment(ref _sessions), stop));
    }

    public Uri Url => new($"stratum+tcp://127.0.0.1:{_acceptor.Endpoint.Port}");

    /// <summary>Users that authorized (the emulator stands in for the pool, which does see them).</summary>
    public List<string> AuthorizedUsers { get; } = [];

    public long AcceptedShares => Interlocked.Read(ref _accepted);

    public long RejectedShares => Interlocked.Read(ref _rejected);

    public ValueTask DisposeAsync() => _acceptor.DisposeAsync();

    private async Task ServeAsync(Socket socket, int session, CancellationToken stop)
    {
        using (var stream = new NetworkStream(socket, ownsSocket: true))
        {
            using var writer = new StratumLineWriter(stream);
            Task Send(object message) => writer.SendAsync(message, stop);

            try
            {
                var reader = new LineReader(stream, 64 * 1024);
                Task? jobs = null;
                while (await reader.ReadLineAsync(stop) is { } line)
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
                            jobs ??= SendJobsAsync(Send, stop);
                            break;
                        case "mining.submit":
                            var known = request.TryGetProperty("params", out var p) && p.ValueKind == JsonValueKind.Array && p.GetArrayLength() >= 2 &&
                                        int.TryParse(p[1].GetString(), System.Globalization.NumberStyles.HexNumber, null, out var job) && job >= 0 && job < _templates.Count;
                            Interlocked.Increment(ref known ? ref _accepted : ref _rejected);
                            await Send(known
                                ? new { id, result = (object?)true, error = (object?)null }
                                : new { id, result = (object?)false, error = (object?)new object?[] { 21, "Job not found", null } });
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

    private async Task SendJobsAsync(Func<object, Task> send, CancellationToken stop)
    {
        await send(new { id = (object?)null, method = "mining.set_difficulty", @params = new[] { _difficulty } });
        for (var i = 0; i < _templates.Count; i++)
        {
            var t = _templates[i];
            await send(new
            {
                id = (object?)null,
                method = "mining.notify",
                @params = new object[] { $"{i:x4}", t.StratumPrevHash, t.Coinb1Hex, t.Coinb2Hex, t.MerkleBranches, "20000000", "17034219", "65a1b2c3", i == 0 },
            });
            await Task.Delay(_interval, stop);
        }
    }
}
