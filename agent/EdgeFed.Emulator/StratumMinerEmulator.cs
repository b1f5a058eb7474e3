using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using EdgeFed.Agent.Collectors.Stratum;

namespace EdgeFed.Emulator;

/// <summary>
/// A miner's stratum side at a known hashrate: connects from its own loopback address (so a proxy sees it as that
/// miner), subscribes, authorizes, and submits shares for the current job as a Poisson process of rate
/// H / (D x 2^32) per second, D being the pool's difficulty: what a real miner of hashrate H does on average.
/// Seeded; runs for a given time and stops by itself.
/// </summary>
public sealed class StratumMinerEmulator(IPAddress from, double hashrateThs, string worker, int seed)
{
    public long Submitted { get; private set; }

    public long Accepted { get; private set; }

    public async Task RunAsync(Uri pool, TimeSpan duration, CancellationToken cancellationToken)
    {
        using var client = new TcpClient(new IPEndPoint(from, 0)) { NoDelay = true };
        await client.ConnectAsync(pool.Host, pool.Port, cancellationToken);
        var stream = client.GetStream();
        var reader = new LineReader(stream, 64 * 1024);
        var random = new Random(seed);
        var (difficulty, job, nextId) = (1.0, (string?)null, 1);
        using var writer = new StratumLineWriter(stream);
        Task Send(object message) => writer.SendAsync(message, cancellationToken);

        await Send(new { id = nextId++, method = "mining.subscribe", @params = new[] { "edgefed-sim-miner/1.0" } });
        await Send(new { id = nextId++, method = "mining.authorize", @params = new[] { worker, "x" } });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var listen = Task.Run(async () =>
        {
            while (await reader.ReadLineAsync(stop.Token) is { } line)
            {
                if (StratumMessages.TryParse(line) is not { } m)
                {
                    continue;
                }

                switch (StratumMessages.Method(m))
                {
                    case "mining.set_difficulty":
                        Volatile.Write(ref difficulty, m.GetProperty("params")[0].GetDouble());
                        break;
                    case "mining.notify":
                        Volatile.Write(ref job, m.GetProperty("params")[0].GetString());
                        break;
                    case null when m.TryGetProperty("result", out var r) && r.ValueKind == JsonValueKind.True && m.GetProperty("id").GetInt32() > 2:
                        Accepted++;
                        break;
                }
            }
        }, stop.Token);

        // Wait for work, then submit on an absolute schedule so timer granularity does not slow the rate down.
        while (Volatile.Read(ref job) is null)
        {
            await Task.Delay(10, cancellationToken);
        }

        var started = DateTimeOffset.UtcNow;
        var next = TimeSpan.Zero;
        while (true)
        {
            var rate = hashrateThs * 1e12 / (Volatile.Read(ref difficulty) * 4294967296.0);
            next += TimeSpan.FromSeconds(-Math.Log(1 - random.NextDouble()) / rate);
            if (next >= duration)
            {
                break;
            }

            if (started + next - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }

            await Send(new { id = nextId++, method = "mining.submit", @params = new[] { worker, Volatile.Read(ref job), "00000000", "65a1b2c3", random.Next().ToString("x8") } });
            Submitted++;
        }

        await Task.Delay(300, cancellationToken); // the last answers
        await stop.CancelAsync();
        try
        {
            await listen;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException)
        {
        }
    }
}
