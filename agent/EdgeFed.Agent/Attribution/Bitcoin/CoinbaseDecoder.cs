using System.Text;

namespace EdgeFed.Agent.Attribution.Bitcoin;

/// <summary>
/// Decodes a coinbase transaction: the BIP34 height (the first push of the scriptSig, a little-endian number),
/// the scriptSig as printable ASCII (for tags), every output with its type and address, and the commitments:
/// the BIP141 witness commitment (<c>6a24aa21a9ed</c>, the last one counts), merged-mining markers in OP_RETURN
/// outputs (RSK <c>RSKBLOCK:</c>, CoreDAO <c>CORE</c>, Hathor <c>Hath</c>, Syscoin <c>syscoin</c>, ExSat <c>EXSAT</c>)
/// and the AuxPoW marker <c>fabe6d6d</c> in the scriptSig.
/// </summary>
public static class CoinbaseDecoder
{
    private static readonly (string Kind, byte[] Marker)[] OpReturnMarkers =
    [
        ("rsk", "RSKBLOCK:"u8.ToArray()),
        ("coredao", "CORE"u8.ToArray()),
        ("hathor", "Hath"u8.ToArray()),
        ("syscoin", "syscoin"u8.ToArray()),
        ("exsat", "EXSAT"u8.ToArray()),
    ];

    private static readonly byte[] AuxPowMarker = [0xfa, 0xbe, 0x6d, 0x6d];

    public static CoinbaseInfo Decode(string hex) => Decode(Transaction.Parse(Transaction.FromHex(hex)));

    public static CoinbaseInfo Decode(Transaction tx) => tx.IsCoinbase
        ? FromParts(tx.Inputs[0].ScriptSig, tx.Outputs, tx.HasWitness)
        : throw new DecodeException("Not a coinbase: its one input must spend 32 zero bytes at index 0xffffffff.");

    /// <summary>From a scriptSig and outputs as a node reports them (no raw transaction needed).</summary>
    public static CoinbaseInfo FromParts(byte[] scriptSig, IReadOnlyList<TxOutput> outputs, bool segwit)
    {
        var decoded = outputs.Select(o =>
        {
            var script = OutputScript.Classify(o.Script);
            return new CoinbaseOutput(script.Type, script.Address, o.ValueSats, Convert.ToHexStringLower(o.Script));
        }).ToList();
        return new CoinbaseInfo(Bip34Height(scriptSig), Convert.ToHexStringLower(scriptSig), PrintableAscii(scriptSig),
            Encoding.UTF8.GetString(scriptSig), decoded, Commitments(scriptSig, outputs), segwit);
    }

    /// <summary>The height pushed first in the scriptSig (BIP34); null when the first item is no plausible height.</summary>
    public static long? Bip34Height(ReadOnlySpan<byte> scriptSig)
    {
        if (scriptSig.IsEmpty)
        {
            return null;
        }

        var op = scriptSig[0];
        if (op is >= 0x51 and <= 0x60)
        {
            return op - 0x50; // OP_1 .. OP_16
        }

        if (op is < 1 or > 8 || scriptSig.Length < 1 + op)
        {
            return null;
        }

        long value = 0;
        for (var i = op; i >= 1; i--)
        {
            value = (value << 8) | scriptSig[i];
        }

        // Script numbers carry a sign bit in the top byte; a height is never negative, and never this large.
        var negative = (scriptSig[op] & 0x80) != 0;
        return negative || value > 50_000_000 ? null : value;
    }

    public static string PrintableAscii(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            if (b is >= 0x20 and <= 0x7e)
            {
                text.Append((char)b);
            }
        }

        return text.ToString();
    }

    private static List<Commitment> Commitments(ReadOnlySpan<byte> scriptSig, IReadOnlyList<TxOutput> outputs)
    {
        var found = new List<Commitment>();
        var witness = outputs.LastOrDefault(o => o.Script.Length >= 38 && o.Script.AsSpan(0, 6).SequenceEqual((byte[])[0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed]));
        if (witness is not null)
        {
            found.Add(new Commitment("witness", Convert.ToHexStringLower(witness.Script.AsSpan(6, 32))));
        }

        foreach (var output in outputs.Where(o => o.Script.Length > 2 && o.Script[0] == 0x6a))
        {
            var data = PushedData(output.Script.AsSpan(1));
            foreach (var (kind, marker) in OpReturnMarkers)
            {
                var at = data.IndexOf(marker);
                if (at >= 0)
                {
                    found.Add(new Commitment(kind, Convert.ToHexStringLower(data[(at + marker.Length)..])));
                }
            }
        }

        var aux = scriptSig.IndexOf(AuxPowMarker);
        if (aux >= 0 && scriptSig.Length >= aux + 4 + 32)
        {
            found.Add(new Commitment("auxpow", Convert.ToHexStringLower(scriptSig.Slice(aux + 4, 32))));
        }

        return found;
    }

    /// <summary>The data of the first push after OP_RETURN (direct push or OP_PUSHDATA1/2).</summary>
    private static ReadOnlySpan<byte> PushedData(ReadOnlySpan<byte> script)
    {
        if (script.IsEmpty)
        {
            return [];
        }

        var (start, length) = script[0] switch
        {
            <= 0x4b and var n => (1, (int)n),
            0x4c when script.Length > 1 => (2, (int)script[1]),
            0x4d when script.Length > 2 => (3, script[1] | (script[2] << 8)),
            _ => (0, 0),
        };
        return start == 0 ? [] : script.Slice(start, Math.Min(length, script.Length - start));
    }
}
