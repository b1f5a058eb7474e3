using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Google.Protobuf;

namespace EdgeFed.Protocol.Grpc.Internal;

/// <summary>
/// Reads length-prefixed messages straight out of a <see cref="PipeReader"/>'s buffer (Kestrel's request body):
/// no copy of uncompressed payloads, several messages per read when they arrive together, and an oversize
/// message refused as soon as its 5-byte header is seen, before its body is buffered.
/// </summary>
internal static class PipeMessageReader
{
    public static async ValueTask<T?> ReadMessageAsync<T>(
        PipeReader reader, MessageParser<T> parser, int maxSize, string? encoding, CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (TryReadFrame(buffer, maxSize, out var compressed, out var payload))
            {
                try
                {
                    return compressed ? ParseCompressed(parser, payload, maxSize, encoding) : Parse(parser, payload);
                }
                finally
                {
                    reader.AdvanceTo(payload.End);
                }
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                reader.AdvanceTo(buffer.End);
                return buffer.Length == 0
                    ? null
                    : throw new RpcException(StatusCode.Internal, $"Stream ended inside a message ({buffer.Length} bytes left over).");
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static bool TryReadFrame(ReadOnlySequence<byte> buffer, int maxSize, out bool compressed, out ReadOnlySequence<byte> payload)
    {
        compressed = false;
        payload = default;
        if (buffer.Length < MessageFraming.HeaderSize)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[MessageFraming.HeaderSize];
        buffer.Slice(0, MessageFraming.HeaderSize).CopyTo(header);
        if (header[0] > 1)
        {
            throw new RpcException(StatusCode.Internal, $"Invalid compressed flag {header[0]} in message header.");
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (length > (uint)maxSize)
        {
            throw new RpcException(StatusCode.ResourceExhausted,
                $"Received message exceeds the maximum configured message size ({length} > {maxSize} bytes).");
        }

        if (buffer.Length < MessageFraming.HeaderSize + length)
        {
            return false;
        }

        compressed = header[0] == 1;
        payload = buffer.Slice(MessageFraming.HeaderSize, length);
        return true;
    }

    private static T ParseCompressed<T>(MessageParser<T> parser, ReadOnlySequence<byte> payload, int maxSize, string? encoding)
        where T : class, IMessage<T> => encoding switch
        {
            GrpcProtocol.GzipEncoding => Parse(parser, new ReadOnlySequence<byte>(GzipCompression.Decompress(payload.ToArray(), maxSize))),
            null or GrpcProtocol.IdentityEncoding => throw new RpcException(StatusCode.Internal, "Compressed message received without a grpc-encoding."),
            _ => throw new RpcException(StatusCode.Unimplemented, $"Unsupported grpc-encoding '{encoding}'."),
        };

    private static T Parse<T>(MessageParser<T> parser, ReadOnlySequence<byte> payload)
        where T : class, IMessage<T>
    {
        try
        {
            return parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new RpcException(new Status(StatusCode.Internal, $"Request message could not be parsed: {ex.Message}"), inner: ex);
        }
    }
}
