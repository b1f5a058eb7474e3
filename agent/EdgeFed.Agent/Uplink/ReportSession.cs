using EdgeFed.Protocol.Client;
using EdgeFed.Protocol.Grpc;
using EdgeFed.Protocol.V1;

namespace EdgeFed.Agent.Uplink;

/// <summary>One open Report stream: send a report, wait for the ack that names its sequence number.</summary>
public sealed class ReportSession(AsyncDuplexStreamingCall<AggregateReport, ReportAck> call) : IDisposable
{
    public async Task<ReportAck> SendAsync(AggregateReport report, CancellationToken cancellationToken)
    {
        await call.RequestStream.WriteAsync(report, cancellationToken);
        while (await call.ResponseStream.MoveNext(cancellationToken))
        {
            if (call.ResponseStream.Current.Sequence == report.Sequence)
            {
                return call.ResponseStream.Current;
            }
        }

        throw new RpcException(StatusCode.Unavailable, $"The aggregator closed the Report stream before acknowledging report {report.Sequence}.");
    }

    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        await call.RequestStream.CompleteAsync();
        while (await call.ResponseStream.MoveNext(cancellationToken))
        {
        }
    }

    public void Dispose() => call.Dispose();
}
