using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace EdgeFed.Agent.Attribution.Bitcoin;

/// <summary>Base58Check: payload = version ‖ hash, checksum = first 4 bytes of SHA-256(SHA-256(payload)); each leading zero byte is '1'.</summary>
public static class Base58Check
{
    private const string Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    public static string Encode(byte version, ReadOnlySpan<byte> hash)
    {
        byte[] payload = [version, .. hash];
        var checksum = SHA256.HashData(SHA256.HashData(payload));
        byte[] data = [.. payload, .. checksum.AsSpan(0, 4)];
        var number = new BigInteger(data, isUnsigned: true, isBigEndian: true);
        var text = new StringBuilder();
        while (number > 0)
        {
            number = BigInteger.DivRem(number, 58, out var remainder);
            text.Insert(0, Alphabet[(int)remainder]);
        }

        foreach (var b in data)
        {
            if (b != 0)
            {
                break;
            }

            text.Insert(0, '1');
        }

        return text.ToString();
    }
}
