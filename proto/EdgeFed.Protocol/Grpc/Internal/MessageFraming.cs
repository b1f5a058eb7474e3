using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;

namespace EdgeFed.Protocol.Grpc.Internal;

/// <summary>
/// Length-prefixed messages: 1 byte compressed flag, 4-byte big-endian length, then the bytes. Messages may
/// span DATA frames and one frame may hold several; reading from the body stream handles both.
/// </summary>
internal static class MessageFraming
{
    public const int HeaderSize = 5;

    /// <summary>Reads the next message, or null at a clean end of stream.</summary>
    public static async ValueTask<byte[]?> ReadMessageAsync(Stream stream, int maxSize, string? encoding, CancellationToken cancellationToken)
    {
        var header = new byte[HeaderSize];
        var read = await stream.ReadAtLeastAsync(header, HeaderSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            return null;
        }

        if (read < HeaderSize)
        {
            throw new RpcException(StatusCode.Internal, "Stream ended inside a message header.");
        }

        var compressed = header[0];
        var length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1));
        if (compressed > 1)
        {
            throw new RpcException(StatusCode.Internal, $"Invalid compressed flag {compressed} in message header.");
        }

        if (length > (uint)maxSize)
        {
            throw new RpcException(StatusCode.ResourceExhausted,
                $"Received message exceeds the maximum configured message size ({length} > {maxSize} bytes).");
        }

        var payload = new byte[length];
        read = await stream.ReadAtLeastAsync(payload, payload.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (read < payload.Length)
        {
            throw new RpcException(StatusCode.Internal, $"Stream ended inside a message ({read} of {length} bytes).");
        }

        if (compressed == 0)
        {
            return payload;
        }

        return encoding switch
        {
            GrpcProtocol.GzipEncoding => GzipCompression.Decompress(payload, maxSize),
            null or GrpcProtocol.IdentityEncoding =>
                throw new RpcException(StatusCode.Internal, "Compressed message received without a grpc-encoding."),
            _ => throw new RpcException(StatusCode.Unimplemented, $"Unsupported grpc-encoding '{encoding}'."),
        };
    }

    /// <summary>Writes one message and flushes it, so each message leaves at once on a stream.</summary>
    public static ValueTask WriteMessageAsync(Stream stream, IMessage message, int? maxSize, bool compress, CancellationToken cancellationToken) =>
        WriteMessagesAsync(stream, [message], maxSize, compress, cancellationToken);

    /// <summary>Frames several messages into one buffer and sends them with one write and one flush.</summary>
    public static async ValueTask WriteMessagesAsync(
        Stream stream, IReadOnlyList<IMessage> messages, int? maxSize, bool compress, CancellationToken cancellationToken)
    {
        var compressed = compress ? messages.Select(m => GzipCompression.Compress(m.ToByteArray())).ToArray() : null;
        var sizes = new int[messages.Count];
        var total = 0;
        for (var i = 0; i < messages.Count; i++)
        {
            sizes[i] = compressed?[i].Length ?? messages[i].CalculateSize();
            if (maxSize is { } max && sizes[i] > max)
            {
                throw new RpcException(StatusCode.ResourceExhausted,
                    $"Sending message exceeds the maximum configured message size ({sizes[i]} > {max} bytes).");
            }

            total += HeaderSize + sizes[i];
        }

        var buffer = ArrayPool<byte>.Shared.Rent(total);
        try
        {
            var offset = 0;
            for (var i = 0; i < messages.Count; i++)
            {
                buffer[offset] = compress ? (byte)1 : (byte)0;
                BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(offset + 1), (uint)sizes[i]);
                offset += HeaderSize;
                if (compressed is not null)
                {
                    compressed[i].CopyTo(buffer, offset);
                }
                else
                {
                    messages[i].WriteTo(buffer.AsSpan(offset, sizes[i]));
                }

                offset += sizes[i];
            }

            await stream.WriteAsync(buffer.AsMemory(0, total), cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
