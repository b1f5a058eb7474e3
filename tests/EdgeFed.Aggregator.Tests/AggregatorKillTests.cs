using Grpc.Net.Client;
using Grpc.Core;
using EdgeFed.Protocol.V1;
using Xunit;
using static EdgeFed.Aggregator.Tests.ReportBuilder;

namespace EdgeFed.Aggregator.Tests;

/// <summary>
/// SIGKILL the aggregator process while an agent streams thousands of reports, restart it on the same SQLite file:
/// every acknowledged report is there exactly once, and resending the unacknowledged ones completes the set.
/// </summary>
public sealed class AggregatorKillTests
{
    private const int Reports = 3000;

    [Fact]
    public async Task KilledDuringAStreamOfThousands_KeepsEveryAcknowledgedReportExactlyOnce()
    {
        var directory = Directory.CreateTempSubdirectory("edgefed-kill-aggregator-").FullName;
        var port = TestProcesses.FreePort();
        var acked = new HashSet<ulong>();
        string key;
        using (var first = Start(directory, port))
        {
            using var channel = await AggregatorProcess.ConnectAsync(port);
            var client = new Protocol.V1.Aggregator.AggregatorClient(channel);
            key = (await client.EnrollAsync(new EnrollRequest { AgentId = "stream", EnrolmentToken = AggregatorHost.Token, Region = "CA" })).AgentKey;
            var killAfter = Random.Shared.Next(500, 2000);
            try
            {
                await StreamAsync(client, key, Enumerable.Range(1, Reports).Select(i => (ulong)i), acked, onAck: n =>
                {
                    if (n == killAfter)
                    {
                        first.Kill(); // SIGKILL: no shutdown code runs
                    }
                });
            }
            catch (Exception ex) when (ex is RpcException or IOException)
            {
                // The stream died with the process (Grpc.Net.Client may throw the HTTP/2 layer's IOException from a write).
            }

            Assert.True(acked.Count >= killAfter, $"{acked.Count} acks before the kill");
        }

        var storedAfterKill = Sequences(directory);
        Assert.True(acked.IsSubsetOf(storedAfterKill), "an acknowledged report is missing after the kill");
        Assert.Equal(storedAfterKill.Count, storedAfterKill.Distinct().Count());

        using (var second = Start(directory, port))
        {
            using var channel = await AggregatorProcess.ConnectAsync(port);
            var client = new Protocol.V1.Aggregator.AggregatorClient(channel);
            var resend = Enumerable.Range(1, Reports).Select(i => (ulong)i).Where(s => !acked.Contains(s)).ToList();
            await StreamAsync(client, key, resend, acked, onAck: _ => { });
            second.Kill();
        }

        var final = Sequences(directory);
        Assert.Equal(Reports, final.Count);
        Assert.Equal(Enumerable.Range(1, Reports).Select(i => (ulong)i), final.Order());
        Directory.Delete(directory, recursive: true);
    }

    private static async Task StreamAsync(Protocol.V1.Aggregator.AggregatorClient client, string key, IEnumerable<ulong> sequences, HashSet<ulong> acked, Action<int> onAck)
    {
        using var call = client.Report(new CallOptions(new Metadata { { "authorization", "Bearer " + key } }, DateTime.UtcNow.AddMinutes(2)));
        foreach (var sequence in sequences)
        {
            await call.RequestStream.WriteAsync(Report("stream", sequence, Cell("foundryusa", 100), Cell("antpool", 80)));
            if (!await call.ResponseStream.MoveNext())
            {
                throw new RpcException(new Status(StatusCode.Unavailable, "stream ended"));
            }

            acked.Add(call.ResponseStream.Current.Sequence);
            onAck(acked.Count);
        }

        await call.RequestStream.CompleteAsync();
    }

    private static AggregatorProcess Start(string directory, int port) =>
        AggregatorProcess.Start(directory, port, "--Aggregator:MaxReportsPerSecondPerAgent=100000", "--Aggregator:ReportBurstPerAgent=100000");

    private static HashSet<ulong> Sequences(string directory)
    {
        var rows = TestProcesses.StoredSequences(Path.Combine(directory, "aggregator.db"), "stream");
        var set = rows.Select(r => (ulong)r).ToHashSet();
        Assert.Equal(rows.Count, set.Count); // (agent, sequence) is the primary key: never twice
        return set;
    }
}
