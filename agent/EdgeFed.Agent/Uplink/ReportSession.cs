using EdgeFed.Protocol.V1;
using Grpc.Core;

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
            if (timeout.IsCancellationRequested)
            {
                throw new RpcException(new Status(StatusCode.Unavailable, $"No ack for report {report.Sequence} within {ackTimeout.TotalSeconds:0.#} s; reopening the stream."));
            }

            // The server ended the call while we were writing (e.g. it refused the report): its status says why.
            throw await StatusAfterBrokenWriteAsync(report.Sequence, ex, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            // Grpc.Net.Client can throw the HTTP/2 layer's exception from a write when the connection breaks
            // (grpc/grpc-dotnet#2638); the call's own status, when it has one, says more.
            throw await StatusAfterBrokenWriteAsync(report.Sequence, ex, cancellationToken);
        }

        throw new RpcException(new Status(StatusCode.Unavailable, $"The aggregator closed the Report stream before acknowledging report {report.Sequence}."));
    }

    private async Task<RpcException> StatusAfterBrokenWriteAsync(ulong sequence, Exception writeError, CancellationToken cancellationToken)
    {
        try
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(TimeSpan.FromSeconds(1));
            while (await call.ResponseStream.MoveNext(wait.Token))
            {
            }
        }
        catch (RpcException status) when (status.StatusCode != StatusCode.Cancelled)
        {
            return status;
        }
        catch (Exception ex) when (ex is OperationCanceledException or RpcException or IOException or HttpRequestException)
        {
            // No status beyond the broken connection itself.
        }

        return new RpcException(new Status(StatusCode.Unavailable, $"The connection to the aggregator broke while sending report {sequence}: {writeError.Message}", writeError));
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
