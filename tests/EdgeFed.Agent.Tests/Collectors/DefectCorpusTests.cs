using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EdgeFed.Agent.Collectors;
using EdgeFed.Agent.Collectors.Parsing;
using Xunit;

namespace EdgeFed.Agent.Tests.Collectors;

/// <summary>
/// Every known defect of real firmware JSON (PROTOCOLS.md) injected into every real reply file in the shared data,
/// plus random truncations: a repairable defect must read back exactly as the clean reply does, a cut-short reply
/// must be a <see cref="PollErrorKind.TruncatedReply"/>.
/// </summary>
public sealed partial class DefectCorpusTests
{
    public static TheoryData<string> AllFiles() => new(Directory.EnumerateFiles(RealReplies.Root, "*.json", SearchOption.AllDirectories)
        .Select(p => Path.GetRelativePath(RealReplies.Root, p)).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(AllFiles))]
    public void EveryDefect_InEveryRealReply_ReadsAsTheCleanReply(string file)
    {
        var text = Encoding.UTF8.GetString(RealReplies.Bytes(file));
        var clean = Node(Encoding.UTF8.GetBytes(text));

        Same(clean, text + "\0", "trailing NUL");
        Same(clean, TrailingCommas().Replace(text, m => "," + m.Value), "trailing commas");
        Same(clean, ObjectsInArray().Replace(text, "}{"), "missing commas between objects in an array");
        Same(clean, ObjectsInArray().Replace(text, "}\n  {") + "\0", "missing commas, newline between, NUL");
        Same(clean, ValuesAfterValues().Replace(text, "$1"), "missing commas between all values");

        if (clean is JsonObject)
        {
            var concatenated = Node(Encoding.UTF8.GetBytes(text + "{\"id\":99,\"Extra\":1}\0"));
            var expected = clean.DeepClone().AsObject();
            expected["id"] ??= 99; // the first value of a key wins; new keys are added
            expected["Extra"] ??= 1;
            Assert.True(JsonNode.DeepEquals(expected, concatenated), $"{file}: '}}{{' concatenation");

            var withInf = Node(Encoding.UTF8.GetBytes(text.Insert(text.IndexOf('{') + 1, "\"Quirk Inf\": inf, \"Quirk NaN\": -nan, ")));
            Assert.Null(withInf!["Quirk Inf"]);
            Assert.Null(withInf["Quirk NaN"]);
            withInf.AsObject().Remove("Quirk Inf");
            withInf.AsObject().Remove("Quirk NaN");
            Assert.True(JsonNode.DeepEquals(clean, withInf), $"{file}: bare inf/nan");
        }

        // Invalid UTF-8 inside a string: the reply still reads, the bad byte becomes U+FFFD.
        var quote = text.IndexOf('"');
        if (quote >= 0)
        {
            var bytes = Encoding.UTF8.GetBytes(text).ToList();
            bytes.Insert(Encoding.UTF8.GetByteCount(text[..(quote + 1)]), 0xFF);
            Assert.Contains("\uFFFD", LenientJson.Parse(bytes.ToArray()).GetRawText().Replace("\\uFFFD", "\uFFFD", StringComparison.OrdinalIgnoreCase));
        }

        void Same(JsonNode? expected, string defective, string defect) =>
            Assert.True(JsonNode.DeepEquals(expected, Node(Encoding.UTF8.GetBytes(defective))), $"{file}: {defect}");
    }

    [Theory]
    [MemberData(nameof(AllFiles))]
    public void RandomTruncations_OfEveryRealReply_AreTruncatedReplies(string file)
    {
        var bytes = RealReplies.Bytes(file);
        var end = Array.FindLastIndex(bytes, b => b is (byte)'}' or (byte)']');
        var random = new Random(file.Length * 7919 + 20261201);
        for (var i = 0; i < 25 && end > 1; i++)
        {
            var cut = random.Next(1, end); // anywhere before the closing bracket
            var ex = Assert.Throws<PollException>(() => LenientJson.Parse(bytes.AsMemory(0, cut)));
            Assert.True(ex.Kind == PollErrorKind.TruncatedReply, $"{file} cut at {cut}: {ex.Kind} {ex.Message}");
        }
    }

    [Fact]
    public void StockBmminerStats_WithoutCommasBetweenItsObjects_ParsesToTheSameSample()
    {
        var text = Encoding.UTF8.GetString(RealReplies.Bytes("antminer/v2020/stats.json"));
        var defective = ObjectsInArray().Replace(text, "}{") + "\0";
        Assert.NotEqual(text, defective.TrimEnd('\0'));

        var clean = AntminerParser.Parse(MinerFamily.Antminer, RealReplies.Json("antminer/v2020/stats.json"), null, null, null, null);
        var repaired = AntminerParser.Parse(MinerFamily.Antminer, LenientJson.Parse(Encoding.UTF8.GetBytes(defective)), null, null, null, null);
        Assert.Equal(CliJsonOf(clean), CliJsonOf(repaired));
        Assert.Equal("Antminer S19 Pro", repaired.Model);
        Assert.Equal(110.56689, repaired.HashrateThs);
    }

    private static string CliJsonOf(MinerSample sample) => Agent.Cli.CliJson.Serialize(sample with { Time = default });

    private static JsonNode? Node(byte[] bytes) =>
        JsonNode.Parse(LenientJson.Parse(bytes).GetRawText(), documentOptions: new System.Text.Json.JsonDocumentOptions { AllowTrailingCommas = true });

    /// <summary>A comma between an object's end and the next object's start.</summary>
    [GeneratedRegex(@"\}\s*,\s*\{")]
    private static partial Regex ObjectsInArray();

    /// <summary>The end of a line before a closing bracket (pretty-printed replies; never inside a string), for a trailing comma.</summary>
    [GeneratedRegex(@"(?<=[""\d\]}el])(?=[ \t]*\r?\n\s*[}\]])")]
    private static partial Regex TrailingCommas();

    /// <summary>A value (string, number, literal or container) and the comma ending its line (never inside a string).</summary>
    [GeneratedRegex(@"(""|\d|true|false|null|\}|\]),(?=[ \t]*\r?\n)")]
    private static partial Regex ValuesAfterValues();
}
