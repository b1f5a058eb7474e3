namespace EdgeFed.Agent.Attribution.Bitcoin;

/// <summary>An output script's standard type and, where it has one, its mainnet address.</summary>
public sealed record OutputScript(string Type, string? Address)
{
    public static OutputScript Classify(ReadOnlySpan<byte> s) => s switch
    {
        [0x76, 0xa9, 0x14, .., 0x88, 0xac] when s.Length == 25 => new("p2pkh", Base58Check.Encode(0x00, s[3..23])),
        [0xa9, 0x14, .., 0x87] when s.Length == 23 => new("p2sh", Base58Check.Encode(0x05, s[2..22])),
        [0x00, 0x14, ..] when s.Length == 22 => new("p2wpkh", Bech32.EncodeSegwit("bc", 0, s[2..])),
        [0x00, 0x20, ..] when s.Length == 34 => new("p2wsh", Bech32.EncodeSegwit("bc", 0, s[2..])),
        [0x51, 0x20, ..] when s.Length == 34 => new("p2tr", Bech32.EncodeSegwit("bc", 1, s[2..])),
        [0x21, .., 0xac] when s.Length == 35 => new("p2pk", null),
        [0x41, .., 0xac] when s.Length == 67 => new("p2pk", null),
        [0x6a, ..] => new("op_return", null),
        _ => new("other", null),
    };
}
