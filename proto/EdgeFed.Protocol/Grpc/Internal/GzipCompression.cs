using System.IO.Compression;

namespace EdgeFed.Protocol.Grpc.Internal;

/// <summary>The one message encoding besides identity that EdgeFed speaks: gzip.</summary>
internal static class GzipCompression
{
    public static byte[] Compress(ReadOnlySpan<byte> data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>Inflates, refusing to grow past <paramref name="maxSize"/> so a small bomb cannot exhaust memory.</summary>
    public static byte[] Decompress(byte[] data, int maxSize)
    {
        using var input = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        try
        {
            while ((read = input.Read(buffer)) > 0)
            {
                if (output.Length + read > maxSize)
                {
                    throw new RpcException(StatusCode.ResourceExhausted,
                        $"Received message exceeds the maximum configured message size after decompression (> {maxSize} bytes).");
                }

                output.Write(buffer, 0, read);
            }
        }
        catch (InvalidDataException ex)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Message is not valid gzip."), inner: ex);
        }

        return output.ToArray();
    }
}
