using EdgeFed.Protocol.Grpc;
using EdgeFed.Protocol.Grpc.Internal;
using Microsoft.AspNetCore.Http;

namespace EdgeFed.Protocol.Server.Internal;

/// <summary>
/// Writes response messages and, once, the final status. Writes and completion are serialised so that a
/// deadline firing while the handler writes cannot interleave trailers with a message.
/// </summary>
internal sealed class ResponseStreamWriter<T>(HttpContext http, GrpcServerOptions options, bool compress, CancellationToken callToken)
    : IServerStreamWriter<T>
    where T : class, Google.Protobuf.IMessage<T>
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _completed;

    public async Task WriteAsync(T message, CancellationToken cancellationToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(callToken, cancellationToken);
        await _gate.WaitAsync(linked.Token);
        try
        {
            if (_completed)
            {
                throw new InvalidOperationException("Cannot write a message: the call is already complete.");
            }

            await MessageFraming.WriteMessageAsync(http.Response.Body, message, options.MaxSendMessageSize, compress, linked.Token);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Sends the status: as trailers after messages, or trailers-only when nothing was sent yet.</summary>
    public async Task CompleteAsync(Status status, Metadata trailers)
    {
        await _gate.WaitAsync(CancellationToken.None);
        try
        {
            if (_completed || http.RequestAborted.IsCancellationRequested)
            {
                return;
            }

            _completed = true;
            var trailersOnly = !http.Response.HasStarted;
            void Put(string key, string value)
            {
                if (trailersOnly)
                {
                    http.Response.Headers.Append(key, value);
                }
                else
                {
                    http.Response.AppendTrailer(key, value);
                }
            }

            Put(GrpcProtocol.StatusTrailer, ((int)status.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (!string.IsNullOrEmpty(status.Detail))
            {
                Put(GrpcProtocol.MessageTrailer, PercentEncoding.Encode(status.Detail));
            }

            foreach (var entry in trailers)
            {
                Put(entry.Key, entry.ToHeaderValue());
            }

            await http.Response.CompleteAsync();
        }
        finally
        {
            _gate.Release();
        }
    }
}
