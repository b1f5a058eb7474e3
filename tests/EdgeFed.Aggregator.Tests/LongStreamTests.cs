using EdgeFed.Protocol.V1;
using Grpc.Core;
using Xunit;
using static EdgeFed.Aggregator.Tests.ReportBuilder;

namespace EdgeFed.Aggregator.Tests;

/// <summary>
/// Report streams live for days: Kestrel's whole-body limit (30 MB by default) and its minimum request-body data rate
/// (240 B/s after a 5 s grace) must not apply to them. Grpc.AspNetCore lifts both for streaming calls; these keep it so.
/// </summary>
public sealed class LongStreamTests
{
    private static readonly Dictionary<string, string?> Unthrottled = new()
    {
        ["Aggregator:MaxReportsPerSecondPerAgent"] = "100000", ["Aggregator:ReportBurstPerAgent"] = "100000",
    };

    [Fact]
    public async Task OneStreamCarrying40MB_IsNotCutByTheBodySizeLimit()
    {
        await using var host = await AggregatorHost.StartAsync(minAgents: 1, settings: Unthrottled);
        var key = (await host.Client.EnrollAsync(new EnrollRequest { AgentId = "bulk", EnrolmentToken = AggregatorHost.Token, Region = "CA" })).AgentKey;
        using var call = host.Client.Report(new CallOptions(new Metadata { { "authorization", "Bearer " + key } }, DateTime.UtcNow.AddMinutes(5)));
        var cells = Enumerable.Range(0, 600).Select(i => Cell($"pool-{i:D4}", 1)).ToArray();
        long sent = 0;
        ulong sequence = 0;

        while (sent < 40L * 1024 * 1024)
        {
            var report = Report("bulk", ++sequence, cells);
            await call.RequestStream.WriteAsync(report);
            Assert.True(await call.ResponseStream.MoveNext());
            Assert.Equal(sequence, call.ResponseStream.Current.Sequence);
            sent += report.CalculateSize();
        }

        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        Assert.Equal((long)sequence, TestProcesses.StoredSequences(Path.Combine(host.Directory, "aggregator.db"), "bulk").Count);
    }

    [Fact]
    public async Task AStreamIdleLongerThanTheDataRateGrace_StaysOpen()
    {
        await using var host = await AggregatorHost.StartAsync(minAgents: 1, settings: Unthrottled);
        var key = (await host.Client.EnrollAsync(new EnrollRequest { AgentId = "quiet", EnrolmentToken = AggregatorHost.Token, Region = "CA" })).AgentKey;
        using var call = host.Client.Report(new CallOptions(new Metadata { { "authorization", "Bearer " + key } }, DateTime.UtcNow.AddMinutes(2)));
        await call.RequestStream.WriteAsync(Report("quiet", 1, Cell("ocean", 10)));
        Assert.True(await call.ResponseStream.MoveNext());

        await Task.Delay(TimeSpan.FromSeconds(7)); // past Kestrel's 5 s grace with 0 B/s: a limited body would be aborted here
        await call.RequestStream.WriteAsync(Report("quiet", 2, Cell("ocean", 10)));

        Assert.True(await call.ResponseStream.MoveNext());
        Assert.Equal(2UL, call.ResponseStream.Current.Sequence);
    }
}
