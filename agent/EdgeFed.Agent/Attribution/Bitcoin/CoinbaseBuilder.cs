using System.Buffers.Binary;

namespace EdgeFed.Agent.Attribution.Bitcoin;

/// <summary>Serialises a coinbase (legacy form: version 1, the null prevout, the scriptSig, outputs, locktime 0).</summary>
public static class CoinbaseBuilder
{
    public static byte[] Serialize(ReadOnlySpan<byte> scriptSig, IReadOnlyList<TxOutput> outputs)
    {
        var bytes = new List<byte>(128 + scriptSig.Length);
        U32(bytes, 1);
        CompactSize(bytes, 1);
        bytes.AddRange(new byte[32]);
        U32(bytes, uint.MaxValue);
        CompactSize(bytes, (ulong)scriptSig.Length);
        bytes.AddRange(scriptSig);
        U32(bytes, uint.MaxValue);
        CompactSize(bytes, (ulong)outputs.Count);
        foreach (var output in outputs)
        {
            var value = new byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(value, output.ValueSats);
            bytes.AddRange(value);
            CompactSize(bytes, (ulong)output.Script.Length);
            bytes.AddRange(output.Script);
        }

        U32(bytes, 0);
        return [.. bytes];
    }

    /// <summary>The offset where the scriptSig starts in <see cref="Serialize"/>'s output (for scriptSigs under 253 bytes).</summary>
    public const int ScriptSigOffset = 4 + 1 + 32 + 4 + 1;

    private static void U32(List<byte> bytes, uint value)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        bytes.AddRange(b);
    }

    private static void CompactSize(List<byte> bytes, ulong n)
    {
        if (n < 0xfd)
        {
            bytes.Add((byte)n);
        }
        else
        {
            bytes.Add(0xfd);
            bytes.Add((byte)n);
            bytes.Add((byte)(n >> 8));
        }
    }
}
