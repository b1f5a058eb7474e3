using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using EdgeFed.Agent.Attribution;
using EdgeFed.Agent.Attribution.Bitcoin;
using EdgeFed.Agent.Collectors.Transport;

namespace EdgeFed.Agent.Collectors.Stratum;

/// <summary>
/// A passive pass-through proxy between local miners and their pool: every line is forwarded unchanged both ways;
/// on the way down, <c>mining.notify</c> jobs are decoded and attributed (using the extranonce sizes from the
/// miner's own subscribe). Logins pass through and are never recorded. Share accounting: each <c>mining.submit</c>
/// is matched to the pool's answer by id and, when accepted, its job's difficulty (the <c>mining.set_difficulty</c>
/// in force when the job arrived) goes into the <see cref="ShareLedger"/> under the miner's address.
/// </summary>
public sealed class StratumProxy : IAsyncDisposable
{
    private readonly Uri _upstream;
    private readonly PoolAttributor _attributor;
    private readonly TimeProvider _time;
    private readonly Func<ObservedJob, ValueTask> _onJob;
    private readonly TcpAcceptor _acceptor;
    private readonly ShareLedger? _shares;

    public StratumProxy(IPEndPoint listen, Uri upstream, PoolAttributor attributor, TimeProvider time, Func<ObservedJob, ValueTask> onJob, ShareLedger? shares = null)
    {
        _upstream = upstream;
        _shares = shares;
        _attributor = attributor;
        _time = time;
        _onJob = onJob;
        _acceptor = new TcpAcceptor(listen, RelayAsync);
    }

    public IPEndPoint Endpoint => _acceptor.Endpoint;

    public ValueTask DisposeAsync() => _acceptor.DisposeAsync();

    private async Task RelayAsync(Socket minerSocket, CancellationToken stop)
    {
        using (var miner = new NetworkStream(minerSocket, ownsSocket: true))
        using (var pool = new TcpClient { NoDelay = true })
        {
            try
            {
                await pool.ConnectAsync(_upstream.Host, _upstream.Port, stop);
                using var session = CancellationTokenSource.CreateLinkedTokenSource(stop);
                var subscribeId = new TaskCompletionSource<JsonElement?>(TaskCreationOptions.RunContinuationsAsynchronously);
                var accounting = new ShareAccounting(((IPEndPoint)minerSocket.RemoteEndPoint!).Address, _shares);
                var up = PumpAsync(miner, pool.GetStream(), line =>
                {
                    if (StratumMessages.TryParse(line) is { } m)
                    {
                        if (StratumMessages.Method(m) == "mining.subscribe" && m.TryGetProperty("id", out var id))
                        {
                            subscribeId.TrySetResult(id.Clone());
                        }

                        accounting.Up(m);
                    }

                    return ValueTask.CompletedTask;
                }, inspectFirst: true, session.Token);
                int? extranonce = null;
                var down = PumpAsync(pool.GetStream(), miner, async line =>
                {
                    if (StratumMessages.TryParse(line) is not { } m)
                    {
                        return;
                    }

                    accounting.Down(m);
                    if (StratumMessages.Method(m) == "mining.notify")
                    {
                        try
                        {
                            var job = StratumJob.Parse(line, extranonce);
                            await _onJob(new ObservedJob(_upstream.ToString(), job, _attributor.Attribute(job.Coinbase), _time.GetUtcNow()));
                        }
                        catch (DecodeException)
                        {
                            // Forwarded all the same: the proxy must never break the miner's work.
                        }
                    }
                    else if (subscribeId.Task.IsCompleted && m.TryGetProperty("id", out var id) && id.GetRawText() == subscribeId.Task.Result?.GetRawText())
                    {
                        extranonce = StratumMessages.ExtranonceBytes(m);
                    }
                }, inspectFirst: false, session.Token);
                await Task.WhenAny(up, down);
                session.Cancel();
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or InvalidDataException)
            {
                // Either side went away: the other is closed with it.
            }
        }
    }

    /// <summary>Forwards lines; upstream requests are inspected before they leave (so their ids are known when the answer comes).</summary>
    private static async Task PumpAsync(Stream from, Stream to, Func<string, ValueTask> inspect, bool inspectFirst, CancellationToken cancellationToken)
    {
        var reader = new LineReader(from);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (inspectFirst)
            {
                await inspect(line);
            }

            await to.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"), cancellationToken);
            if (!inspectFirst)
            {
                await inspect(line);
            }
        }
    }
}
