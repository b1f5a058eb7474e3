using System.Net.Sockets;
using System.Text;
using EdgeFed.Agent.Attribution;
using EdgeFed.Agent.Attribution.Bitcoin;

namespace EdgeFed.Agent.Collectors.Stratum;

/// <summary>
/// Watches a pool as a miner would see it: connects, subscribes (learning the extranonce sizes), authorizes with
/// a watch-only login, and decodes and attributes every <c>mining.notify</c>. It never submits work. A session
/// ends when the pool closes the connection or the token is cancelled; malformed lines are skipped and counted.
/// </summary>
public sealed class StratumWatcher(PoolAttributor attributor, TimeProvider time)
{
    public int MalformedLines { get; private set; }

    public async Task RunSessionAsync(Uri pool, string user, string password, Func<ObservedJob, ValueTask> onJob, CancellationToken cancellationToken)
    {
        using var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(pool.Host, pool.Port, cancellationToken);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.UTF8.GetBytes(StratumMessages.Subscribe(1, "edgefed-watcher/1.0")), cancellationToken);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(StratumMessages.Authorize(2, user, password)), cancellationToken);

        var reader = new LineReader(stream);
        int? extranonce = null;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (StratumMessages.TryParse(line) is not { } message)
            {
                MalformedLines++;
                continue;
            }

            if (StratumMessages.Method(message) is null && message.TryGetProperty("id", out var id) && id.ValueKind == System.Text.Json.JsonValueKind.Number && id.GetInt32() == 1)
            {
                extranonce = StratumMessages.ExtranonceBytes(message);
            }
            else if (StratumMessages.Method(message) == "mining.notify")
            {
                try
                {
                    var job = StratumJob.Parse(line, extranonce);
                    await onJob(new ObservedJob(pool.ToString(), job, attributor.Attribute(job.Coinbase), time.GetUtcNow()));
                }
                catch (DecodeException)
                {
                    MalformedLines++;
                }
            }
        }
    }
}
