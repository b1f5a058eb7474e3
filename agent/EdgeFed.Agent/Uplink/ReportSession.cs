using EdgeFed.Protocol.Client;
using EdgeFed.Protocol.Grpc;
using EdgeFed.Protocol.V1;

namespace EdgeFed.Agent.Uplink;

/// <summary>
/// One open Report stream: send a report, wait for the ack that names its sequence number. No ack within the ack
/// timeout means a dead or blackholed link: UNAVAILABLE, so the stream is reopened rather than waited on for ever.
/// </summary>
public sealed class ReportSession(AsyncDuplexStreamingCall<AggregateReport, ReportAck> call, TimeSpan ackTimeout) : IDisposable
{
    public async Task<ReportAck> SendAsync(AggregateReport report, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ackTimeout);
        try
        {
            await call.RequestStream.WriteAsync(report, timeout.Token);
            while (await call.ResponseStream.MoveNext(timeout.Token))
            {
                if (call.ResponseStream.Current.Sequence == report.Sequence)
                {
                    return call.ResponseStream.Current;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled } && !cancellationToken.IsCancellationRequested)
        {
            throw new RpcException(StatusCode.Unavailable, $"No ack for report {report.Sequence} within {ackTimeout.TotalSeconds:0.#} s; reopening the stream.");
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
