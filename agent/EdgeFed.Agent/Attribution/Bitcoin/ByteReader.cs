using System.Buffers.Binary;

namespace EdgeFed.Agent.Attribution.Bitcoin;

/// <summary>Reads Bitcoin's serialisation with bounds checks: running past the end is a <see cref="DecodeException"/> naming the offset.</summary>
public ref struct ByteReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;

    public int Position { get; private set; }

    public readonly int Remaining => _data.Length - Position;

    public ReadOnlySpan<byte> Bytes(int count, string what)
    {
        if (count < 0 || count > Remaining)
        {
            throw new DecodeException($"Truncated at byte {Position}: {what} needs {count} bytes, {Remaining} left.");
        }

        var bytes = _data.Slice(Position, count);
        Position += count;
        return bytes;
    }

    public byte Byte(string what) => Bytes(1, what)[0];

    public readonly byte Peek(int ahead = 0) => Position + ahead < _data.Length ? _data[Position + ahead] : throw new DecodeException($"Truncated at byte {Position + ahead}.");

    public uint UInt32(string what) => BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4, what));

    public ulong UInt64(string what) => BinaryPrimitives.ReadUInt64LittleEndian(Bytes(8, what));

    /// <summary>CompactSize: 1, 3, 5 or 9 bytes.</summary>
    public ulong CompactSize(string what)
    {
        var first = Byte(what);
        return first switch
        {
            < 0xfd => first,
            0xfd => BinaryPrimitives.ReadUInt16LittleEndian(Bytes(2, what)),
            0xfe => BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4, what)),
            _ => BinaryPrimitives.ReadUInt64LittleEndian(Bytes(8, what)),
        };
    }

    /// <summary>A CompactSize count, refused when it claims more items than bytes remain (a garbled length).</summary>
    public int Count(string what)
    {
        var count = CompactSize(what);
        return count <= (ulong)Remaining ? (int)count : throw new DecodeException($"Truncated at byte {Position}: {what} claims {count} items, {Remaining} bytes left.");
    }
}
