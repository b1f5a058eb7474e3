using System.Text;

namespace EdgeFed.Agent.Attribution.Bitcoin;

/// <summary>Segwit addresses: bech32 (BIP173) for witness v0, bech32m (BIP350) for v1 and later.</summary>
public static class Bech32
{
    private const string Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    private static readonly uint[] Generator = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

    public static string EncodeSegwit(string hrp, int witnessVersion, ReadOnlySpan<byte> program)
    {
        var data = new List<byte> { (byte)witnessVersion };
        data.AddRange(Regroup(program, 8, 5));
        var constant = witnessVersion == 0 ? 1u : 0x2bc830a3u;
        var polymod = Polymod([.. ExpandHrp(hrp), .. data, 0, 0, 0, 0, 0, 0]) ^ constant;
        var text = new StringBuilder(hrp).Append('1');
        foreach (var d in data)
        {
            text.Append(Charset[d]);
        }

        for (var i = 0; i < 6; i++)
        {
            text.Append(Charset[(int)((polymod >> (5 * (5 - i))) & 31)]);
        }

        return text.ToString();
    }

    private static uint Polymod(IEnumerable<byte> values)
    {
        var checksum = 1u;
        foreach (var value in values)
        {
            var top = checksum >> 25;
            checksum = ((checksum & 0x1ffffff) << 5) ^ value;
            for (var i = 0; i < 5; i++)
            {
                if (((top >> i) & 1) != 0)
                {
                    checksum ^= Generator[i];
                }
            }
        }

        return checksum;
    }

    private static byte[] ExpandHrp(string hrp) => [.. hrp.Select(c => (byte)(c >> 5)), 0, .. hrp.Select(c => (byte)(c & 31))];

    private static List<byte> Regroup(ReadOnlySpan<byte> data, int from, int to)
    {
        var result = new List<byte>();
        int accumulator = 0, bits = 0, mask = (1 << to) - 1;
        foreach (var value in data)
        {
            accumulator = (accumulator << from) | value;
            bits += from;
            while (bits >= to)
            {
                bits -= to;
                result.Add((byte)((accumulator >> bits) & mask));
            }
        }

        if (bits > 0)
        {
            result.Add((byte)((accumulator << (to - bits)) & mask));
        }

        return result;
    }
}
