using System.Net;
using System.Net.Http.Headers;
using EdgeFed.Protocol.Grpc;

namespace EdgeFed.Protocol.Client.Internal;

/// <summary>
/// The request body of a call: SocketsHttpHandler hands us its HTTP/2 stream here and the call writes messages
/// into it as they come; returning ends the request stream (END_STREAM).
/// </summary>
internal sealed class RequestContent : HttpContent
{
    private readonly TaskCompletionSource<Stream> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public RequestContent() => Headers.ContentType = new MediaTypeHeaderValue(GrpcProtocol.ContentType);

    public Task<Stream> GetStreamAsync(CancellationToken cancellationToken) => _stream.Task.WaitAsync(cancellationToken);

    /// <summary>Half-closes the call: no more request messages.</summary>
    public void Complete() => _completed.TrySetResult();

    /// <summary>The call ended before or while sending: release anyone waiting for the stream.</summary>
    public void Abort(Exception reason)
    {
        _stream.TrySetException(reason);
        _completed.TrySetResult();
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        _stream.TrySetResult(stream);
        await _completed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
