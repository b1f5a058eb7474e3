using System.Globalization;
using Grpc.Net.Client;
using Grpc.Core;
using EdgeFed.Protocol.V1;
using Microsoft.Data.Sqlite;
using Xunit;
using Xunit.Abstractions;
using static EdgeFed.Aggregator.Tests.ReportBuilder;

namespace EdgeFed.Aggregator.Tests;

/// <summary>
/// 1,000 agents each hold one Report stream open against one aggregator process for 5 minutes (EDGEFED_SOAK_SECONDS
/// overrides), each sending a report every 5 s: every report is acknowledged and stored once, no stream breaks, and
/// the aggregator's resident memory, sampled from /proc, stays flat after the first minute.
/// </summary>
public sealed class SoakTests(ITestOutputHelper output)
{
    private const int Agents = 1000;
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task ThousandStreams_HeldForFiveMinutes_AllAcknowledged_MemoryFlat()
    {
        var duration = TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("EDGEFED_SOAK_SECONDS"), out var s) ? s : 300);
        var directory = Directory.CreateTempSubdirectory("edgefed-soak-").FullName;
        var port = TestProcesses.FreePort();
        using var aggregator = AggregatorProcess.Start(directory, port);
        using var channel = await AggregatorProcess.ConnectAsync(port);
        var client = new Protocol.V1.Aggregator.AggregatorClient(channel);
        var keys = new string[Agents];
        for (var i = 0; i < Agents; i++)
        {
            keys[i] = (await client.EnrollAsync(new EnrollRequest { AgentId = AgentId(i), EnrolmentToken = AggregatorHost.Token, Region = "CA" })).AgentKey;
        }

        var rss = new List<(double Seconds, long Bytes)>();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(duration);
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                rss.Add((watch.Elapsed.TotalSeconds, ResidentBytes(aggregator.Pid)));
                await Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None);
            }
        });
        var results = await Task.WhenAll(Enumerable.Range(0, Agents).Select(i => HoldStreamAsync(client, i, keys[i], stop.Token)));
        await sampler;

        var sent = results.Sum(r => r.Sent);
        var acked = results.Sum(r => r.Acked);
        var early = Median(rss.Where(r => r.Seconds >= 60 && r.Seconds < 120));
        var late = Median(rss.Where(r => r.Seconds >= duration.TotalSeconds - 60));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Agents} streams for {duration.TotalSeconds:0} s: {sent} reports sent, {acked} acked; aggregator RSS min {rss.Min(r => r.Bytes) >> 20} MiB, max {rss.Max(r => r.Bytes) >> 20} MiB, median minute 2 {early >> 20} MiB, median last minute {late >> 20} MiB"));

        output.WriteLine("aggregator RSS every 30 s (MiB): " + string.Join(" ", rss.Where((_, i) => i % 15 == 0).Select(r => (r.Bytes >> 20).ToString(CultureInfo.InvariantCulture))));
        Assert.All(results, r => Assert.True(r.Error is null, r.Error));
        Assert.Equal(sent, acked);
        Assert.True(sent >= Agents * (long)(duration / Every) * 9 / 10, $"only {sent} reports sent");
        Assert.Equal(acked, StoredReports(directory));
        Assert.True(late <= early * 1.20 + (16L << 20), $"aggregator RSS grew from {early >> 20} MiB (minute 2) to {late >> 20} MiB (last minute)");
        Directory.Delete(directory, recursive: true);
    }

    private sealed record StreamResult(long Sent, long Acked, string? Error);

    /// <summary>One agent: one stream for the whole run, a report every <see cref="Every"/> (phase spread at random), each awaited.</summary>
    private static async Task<StreamResult> HoldStreamAsync(Protocol.V1.Aggregator.AggregatorClient client, int agent, string key, CancellationToken stop)
    {
        long sent = 0, acked = 0;
        try
        {
            using var call = client.Report(new CallOptions(new Metadata { { "authorization", "Bearer " + key } }));
            var delay = TimeSpan.FromMilliseconds(Random.Shared.Next(0, (int)Every.TotalMilliseconds));
            while (true)
            {
                try
                {
                    await Task.Delay(delay, stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                delay = Every;
                await call.RequestStream.WriteAsync(Report(AgentId(agent), (ulong)++sent, Cell("foundryusa", 300), Cell("antpool", 200)));
                if (!await call.ResponseStream.MoveNext() || call.ResponseStream.Current.Sequence != (ulong)sent)
                {
                    return new StreamResult(sent, acked, $"{AgentId(agent)}: stream ended or acked out of order after {acked}");
                }

                acked++;
            }

            await call.RequestStream.CompleteAsync();
            return await call.ResponseStream.MoveNext()
                ? new StreamResult(sent, acked, $"{AgentId(agent)}: an ack for nothing")
                : new StreamResult(sent, acked, null);
        }
        catch (RpcException ex)
        {
            return new StreamResult(sent, acked, $"{AgentId(agent)}: {ex.Status} after {acked} acks");
        }
    }

    private static string AgentId(int i) => $"soak-{i:D4}";

    private static long Median(IEnumerable<(double Seconds, long Bytes)> samples)
    {
        var sorted = samples.Select(s => s.Bytes).Order().ToArray();
        return sorted.Length == 0 ? throw new InvalidOperationException("no RSS samples in that minute") : sorted[sorted.Length / 2];
    }

    /// <summary>VmRSS of a process, from /proc (Linux).</summary>
    private static long ResidentBytes(int pid) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1],
            CultureInfo.InvariantCulture) * 1024;

    private static long StoredReports(string directory)
    {
        using var db = new SqliteConnection($"Data Source={Path.Combine(directory, "aggregator.db")};Pooling=false");
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM reports";
        return (long)command.ExecuteScalar()!;
    }
}
