using EdgeFed.Protocol.Grpc;
using EdgeFed.Protocol.Grpc.Internal;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;

namespace EdgeFed.Protocol.Server.Internal;

/// <summary>Reads length-prefixed request messages from the HTTP/2 request body.</summary>
internal sealed class RequestStreamReader<T>(HttpContext http, MessageParser<T> parser, int maxSize, string? encoding, CancellationToken callToken)
    : IAsyncStreamReader<T>
    where T : class, IMessage<T>
{
    public T Current { get; private set; } = null!;

    public async Task<bool> MoveNext(CancellationToken cancellationToken = default)
    {
        // Link tokens only when the caller brings its own: a stream of many small messages reads this often.
        using var linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(callToken, cancellationToken) : null;
        var message = await PipeMessageReader.ReadMessageAsync(http.Request.BodyReader, parser, maxSize, encoding, linked?.Token ?? callToken);
        if (message is null)
        {
            return false;
        }

        Current = message;
        return true;
    }

    /// <summary>Unary and server-streaming requests carry exactly one message.</summary>
    public async Task<T> ReadSingleAsync(CancellationToken cancellationToken)
    {
        if (!await MoveNext(cancellationToken))
        {
            throw new RpcException(StatusCode.Internal, "Request ended without a message.");
        }

        var message = Current;
        if (await MoveNext(cancellationToken))
        {
            throw new RpcException(StatusCode.Internal, "Request carried more than one message for a single-request method.");
        }

        return message;
    }
}
