using EdgeFed.Agent.Attribution;
using EdgeFed.Agent.Attribution.Bitcoin;
using Xunit;

namespace EdgeFed.Agent.Tests.Attribution;

public sealed class CoinbaseDecodingTests
{
    private const string Genesis =
        "01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff4d04ffff001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b206f66207365636f6e64206261696c6f757420666f722062616e6b73ffffffff0100f2052a01000000434104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac00000000";

    public static TheoryData<string> Numbers() => new(RealCoinbases.Rows.Select(r => r.Number));

    [Theory]
    [InlineData("0014751e76e8199196d454941c45d1b3a323f1433bd6", "p2wpkh", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4")]
    [InlineData("512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798", "p2tr", "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0")]
    [InlineData("76a914bba87b8e503100c5cb8e308222a86eedb1fc185988ac", "p2pkh", "1J7FCFaafPRxqu4X9VsaiMZr1XMemx69GR")]
    [InlineData("a9149e49b87ea7", "other", null)] // a P2SH prefix cut short: no address invented
    [InlineData("6a24aa21a9ed74968dffdb1b5ba08799029837ca1431814fa626c096d1f480832b6d61ce1954", "op_return", null)]
    [InlineData("deadbeef", "other", null)]
    public void OutputScripts_AreTypedAndAddressed(string script, string type, string? address)
    {
        var classified = OutputScript.Classify(Convert.FromHexString(script));

        Assert.Equal((type, address), (classified.Type, classified.Address));
    }

    [Theory]
    [MemberData(nameof(Numbers))]
    public void RealCoinbase_OutputsDecodeToTheRecordedValuesAndAddresses(string number)
    {
        var row = RealCoinbases.ByNumber(number);

        var decoded = CoinbaseDecoder.Decode(RealCoinbases.Hex(row));

        Assert.Equal(row.Outputs.Select(o => o.Value), decoded.Outputs.Select(o => o.ValueSats));
        for (var i = 0; i < row.Outputs.Count; i++)
        {
            var recorded = row.Outputs[i].Address;
            if (recorded is not null && (recorded.StartsWith('1') || recorded.StartsWith('3')))
            {
                Assert.Equal(recorded, decoded.Outputs[i].Address);
            }
        }
    }

    [Fact]
    public void Gbminers_HeightTagAuxPowAndWitnessCommitment()
    {
        var decoded = CoinbaseDecoder.Decode(RealCoinbases.Hex(RealCoinbases.ByNumber("507715")));

        Assert.Equal(507715, decoded.Height);
        Assert.Contains("/mined by gbminers/", decoded.ScriptSigAscii, StringComparison.Ordinal);
        Assert.Equal(["witness", "auxpow"], decoded.Commitments.Select(c => c.Kind));
        Assert.Equal("74968dffdb1b5ba08799029837ca1431814fa626c096d1f480832b6d61ce1954", decoded.Commitments[0].DataHex);
        Assert.Equal(["p2pkh", "p2pkh", "op_return"], decoded.Outputs.Select(o => o.Type));
    }

    [Fact]
    public void ViaBtc2021_CarriesAnRskMergedMiningCommitment()
    {
        var decoded = CoinbaseDecoder.Decode(RealCoinbases.Hex(RealCoinbases.ByNumber("682736")));

        Assert.Equal(682736, decoded.Height);
        Assert.Contains(decoded.Commitments, c => c.Kind == "rsk");
        Assert.Equal(625_000_000ul, decoded.Outputs[1].ValueSats);
    }

    [Fact]
    public void GenesisCoinbase_DecodesExactly()
    {
        var decoded = CoinbaseDecoder.Decode(Genesis);

        Assert.Null(decoded.Height); // before BIP34: the first push is nBits, not a height
        Assert.Equal("EThe Times 03/Jan/2009 Chancellor on brink of second bailout for banks", decoded.ScriptSigAscii);
        var output = Assert.Single(decoded.Outputs);
        Assert.Equal(("p2pk", 5_000_000_000ul), (output.Type, output.ValueSats));
        Assert.Empty(decoded.Commitments);
    }

    [Fact]
    public void SegwitSerialisation_IsParsed_WithItsWitness()
    {
        var legacy = Convert.FromHexString(RealCoinbases.Hex(RealCoinbases.ByNumber("649061")));
        // Same transaction in BIP144 form: marker+flag after the version, a 32-byte witness reserved value before locktime.
        byte[] segwit = [.. legacy[..4], 0x00, 0x01, .. legacy[4..^4], 0x01, 0x20, .. new byte[32], .. legacy[^4..]];

        var tx = Transaction.Parse(segwit);

        Assert.True(tx.HasWitness);
        Assert.Equal(32, tx.Inputs[0].Witness.Single().Length);
        Assert.Equal(CoinbaseDecoder.Decode(Convert.ToHexStringLower(legacy)).Outputs, CoinbaseDecoder.Decode(tx).Outputs);
    }

    [Theory]
    [InlineData("zz", "Not hex")]
    [InlineData("010", "odd number")]
    [InlineData("01000000", "Truncated")]
    [InlineData("0100000001", "Truncated")]
    public void MalformedInput_IsAClearError(string hex, string expected)
    {
        var error = Assert.Throws<DecodeException>(() => CoinbaseDecoder.Decode(hex));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryTruncationOfARealCoinbase_IsAClearError()
    {
        var bytes = Convert.FromHexString(RealCoinbases.Hex(RealCoinbases.ByNumber("507715")));

        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<DecodeException>(() => Transaction.Parse(bytes.AsSpan(0, length)));
        }
    }

    [Fact]
    public void NonCoinbaseTransaction_IsRefused()
    {
        var bytes = Convert.FromHexString(RealCoinbases.Hex(RealCoinbases.ByNumber("507715")));
        bytes[5] = 0x01; // the previous txid is no longer all zeros

        Assert.Contains("Not a coinbase", Assert.Throws<DecodeException>(() => CoinbaseDecoder.Decode(Convert.ToHexStringLower(bytes))).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("03bdc507", 509373L)]
    [InlineData("51", 1L)]
    [InlineData("00", null)]
    [InlineData("0481", null)]
    public void Bip34Height(string scriptSig, long? height) => Assert.Equal(height, CoinbaseDecoder.Bip34Height(Convert.FromHexString(scriptSig)));
}
