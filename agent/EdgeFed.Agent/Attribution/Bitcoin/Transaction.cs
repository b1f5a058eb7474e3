namespace EdgeFed.Agent.Attribution.Bitcoin;

public sealed record TxInput(byte[] PrevTxId, uint PrevIndex, byte[] ScriptSig, uint Sequence, IReadOnlyList<byte[]> Witness);

public sealed record TxOutput(ulong ValueSats, byte[] Script);

/// <summary>
/// A transaction in legacy or segwit (BIP144) serialisation: version ‖ [00 01] ‖ inputs ‖ outputs ‖ [witnesses] ‖
/// locktime. Parsing must consume every byte; leftovers or a short read are a <see cref="DecodeException"/>.
/// </summary>
public sealed record Transaction(uint Version, IReadOnlyList<TxInput> Inputs, IReadOnlyList<TxOutput> Outputs, uint LockTime, bool HasWitness)
{
    public bool IsCoinbase => Inputs.Count == 1 && Inputs[0].PrevIndex == uint.MaxValue && Inputs[0].PrevTxId.All(b => b == 0);

    public static Transaction Parse(ReadOnlySpan<byte> bytes)
    {
        var reader = new ByteReader(bytes);
        var version = reader.UInt32("version");
        var witness = reader.Remaining >= 2 && reader.Peek() == 0 && reader.Peek(1) == 1;
        if (witness)
        {
            reader.Bytes(2, "segwit marker");
        }

        var inputs = new List<TxInput>();
        for (var i = reader.Count("input count"); i > 0; i--)
        {
            var txid = reader.Bytes(32, "previous txid").ToArray();
            var index = reader.UInt32("previous index");
            var script = reader.Bytes(reader.Count("scriptSig length"), "scriptSig").ToArray();
            inputs.Add(new TxInput(txid, index, script, reader.UInt32("sequence"), []));
        }

        var outputs = new List<TxOutput>();
        for (var i = reader.Count("output count"); i > 0; i--)
        {
            var value = reader.UInt64("output value");
            outputs.Add(new TxOutput(value, reader.Bytes(reader.Count("output script length"), "output script").ToArray()));
        }

        if (witness)
        {
            for (var i = 0; i < inputs.Count; i++)
            {
                var items = new List<byte[]>();
                for (var n = reader.Count("witness item count"); n > 0; n--)
                {
                    items.Add(reader.Bytes(reader.Count("witness item length"), "witness item").ToArray());
                }

                inputs[i] = inputs[i] with { Witness = items };
            }
        }

        var lockTime = reader.UInt32("locktime");
        if (reader.Remaining != 0)
        {
            throw new DecodeException($"{reader.Remaining} unexpected bytes after the transaction's locktime.");
        }

        if (inputs.Count == 0)
        {
            throw new DecodeException("A transaction needs at least one input.");
        }

        return new Transaction(version, inputs, outputs, lockTime, witness);
    }

    public static byte[] FromHex(string hex)
    {
        var trimmed = hex.Trim();
        try
        {
            return Convert.FromHexString(trimmed);
        }
        catch (FormatException ex)
        {
            throw new DecodeException($"Not hex: {(trimmed.Length % 2 == 1 ? "odd number of digits" : "a character outside 0-9a-f")}.", ex);
        }
    }
}
