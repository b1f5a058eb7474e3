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
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(callToken, cancellationToken);
        var bytes = await MessageFraming.ReadMessageAsync(http.Request.Body, maxSize, encoding, linked.Token);
        if (bytes is null)
        {
            return false;
        }

        Current = Parse(bytes);
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

    private T Parse(byte[] bytes)
    {
        try
        {
            return parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new RpcException(new Status(StatusCode.Internal, $"Request message could not be parsed: {ex.Message}"), inner: ex);
        }
    }
}
