using EdgeFed.Protocol.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Xunit;

namespace EdgeFed.Aggregator.Tests;

/// <summary>Reports for tests: a one-minute window that ended a minute ago.</summary>
internal static class ReportBuilder
{
    public static AggregateReport Report(string agent, ulong sequence, params AggregateCell[] cells)
    {
        var end = DateTimeOffset.UtcNow.AddMinutes(-1);
        var report = new AggregateReport
        {
            AgentId = agent,
            Sequence = sequence,
            WindowStart = Timestamp.FromDateTimeOffset(end.AddMinutes(-1)),
            WindowEnd = Timestamp.FromDateTimeOffset(end),
            Region = "CA",
            Kind = AgentKind.Farm,
            SoftwareVersion = "test",
        };
        report.Cells.AddRange(cells);
        return report;
    }

    public static AggregateCell Cell(string pool, double hashrateThs, uint miners = 10) => new()
    {
        Key = new CellKey { Pool = pool, TemplateProvider = pool, Vendor = "Bitmain", Model = "S19 Pro", Health = HealthClass.Healthy },
        MinerCount = miners,
        HashrateThs = hashrateThs,
        MeanConfidence = 0.9,
    };

    /// <summary>
    /// Sends a report the aggregator must refuse and returns the refusal. The server may end the call before the
    /// message is fully written, and Grpc.Net.Client then fails the write with CANCELLED or the HTTP/2 layer's
    /// exception; the call's real status comes with the response stream, so it is read from there.
    /// </summary>
    public static async Task<RpcException> RefusalAsync(AsyncDuplexStreamingCall<AggregateReport, ReportAck> call, AggregateReport report)
    {
        try
        {
            await call.RequestStream.WriteAsync(report);
        }
        catch (Exception ex) when (ex is RpcException or IOException)
        {
            // ended under the write: the status follows
        }

        return await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());
    }
}
