using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeFed.Agent.Collectors.Parsing;
using Xunit;

namespace EdgeFed.Agent.Tests.Collectors;

/// <summary>
/// Avalon's packed <c>Key[value]</c> text read in one pass gives exactly what the regex the parser used before gives:
/// on every packed field of the real replies, and on random texts made of the characters that matter.
/// </summary>
public sealed partial class BracketFieldsTests
{
    // The parser's former reading, kept here as the oracle.
    [GeneratedRegex(@"([A-Za-z_][A-Za-z0-9_ %]*?)\[([^\[\]]*)\]")]
    private static partial Regex BracketPair();

    private static Dictionary<string, string> Oracle(string packed)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match match in BracketPair().Matches(packed))
        {
            result.TryAdd(match.Groups[1].Value.Trim(), match.Groups[2].Value.Trim());
        }

        return result;
    }

    private static void AssertSame(string packed)
    {
        var fields = new BracketFields(packed);
        var expected = Oracle(packed);
        foreach (var (key, value) in expected)
        {
            Assert.True(fields.Has(key), $"missing key '{key}' in '{packed}'");
            Assert.Equal(value, fields.String(key));
        }

        // Nothing more: every key the scanner found, the oracle found too (tried through the oracle's keys' complement).
        var extra = new BracketFields(packed);
        foreach (var candidate in CandidateKeys(packed))
        {
            Assert.Equal(expected.ContainsKey(candidate), extra.Has(candidate));
        }
    }

    /// <summary>Every trimmed substring that ends before a '[': the only texts that could be keys.</summary>
    private static IEnumerable<string> CandidateKeys(string packed)
    {
        for (var open = packed.IndexOf('['); open >= 0; open = packed.IndexOf('[', open + 1))
        {
            for (var start = Math.Max(0, open - 24); start < open; start++)
            {
                yield return packed[start..open].Trim();
            }
        }
    }

    public static TheoryData<string> RealPackedFields()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(RealReplies.Root, "avalonminer"), "*.json").Where(f => !f.EndsWith("_parsed.json", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            foreach (Match m in Regex.Matches(text, "\"(MM ID[^\"]*|HBinfo)\"\\s*:\\s*(\"(?:[^\"\\\\]|\\\\.)*\")"))
            {
                data.Add(JsonSerializer.Deserialize<string>(m.Groups[2].Value)!);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RealPackedFields))]
    public void RealPackedField_ReadsAsTheRegexReadIt(string packed)
    {
        Assert.True(packed.Length > 100);
        AssertSame(packed);
    }

    [Fact]
    public void RandomTexts_ReadAsTheRegexReadThem()
    {
        const string alphabet = "aZ_9 %[]-.x\t";
        var random = new Random(17);
        for (var n = 0; n < 20_000; n++)
        {
            var chars = new char[random.Next(0, 40)];
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = alphabet[random.Next(alphabet.Length)];
            }

            AssertSame(new string(chars));
        }
    }

    [Fact]
    public void Numbers_StopAtTheFirstThatIsNotOne_AndDropATrailingPercent()
    {
        var fields = new BracketFields("PVT_T0[61 62  -1 x 70] Fan1[4200] PS[0 1219 1240 123 2964 1241 3234] Rate[12.5%] Empty[]");

        Assert.Equal([61, 62, -1], fields.Numbers("PVT_T0"));
        Assert.Equal(4200, fields.Number("Fan1"));
        Assert.Equal(2964, fields.Numbers("PS")[4]);
        Assert.Equal(12.5, fields.Number("Rate"));
        Assert.Null(fields.Number("Empty"));
        Assert.Empty(fields.Numbers("Missing"));
        Assert.Null(fields.String("Missing"));
    }
}
