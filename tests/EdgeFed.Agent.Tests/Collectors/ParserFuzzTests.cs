using System.Text;
using EdgeFed.Agent.Collectors;
using EdgeFed.Agent.Collectors.Parsing;
using Xunit;

namespace EdgeFed.Agent.Tests.Collectors;

/// <summary>
/// Random mutations of the real replies thrown at the lenient reader and every family parser: only typed
/// <see cref="PollException"/>s may come out, and the whole run must finish (bounded: 12,000 cases, 2 minutes).
/// </summary>
public sealed class ParserFuzzTests
{
    private static readonly string[] Tokens = ["inf", "-nan", "NaN", "}{", ",", "\0", "\"", "[", "]", "{", "}", ":", "null", "1e999", "-0", "99999999999999999999999", "\"\\u00", "'"];

    private static readonly (string File, Action<byte[]> Parse)[] Targets =
    [
        ("antminer/v2020/stats.json", b => AntminerParser.Parse(MinerFamily.Antminer, LenientJson.Parse(b), null, null, null, null)),
        ("antminer/v2020/pools.json", b => CgminerReply.ActivePool(LenientJson.Parse(b))),
        ("luxminer/v1/stats.json", b => AntminerParser.Parse(MinerFamily.LuxOs, LenientJson.Parse(b), null, null, null, null)),
        ("whatsminer/v1/summary.json", b => WhatsminerParser.Parse(LenientJson.Parse(b), null, null, null, null, null, null)),
        ("whatsminer/v2/devs.json", b => WhatsminerParser.Parse(Json("whatsminer/v2/summary.json"), LenientJson.Parse(b), null, null, null, null, null)),
        ("whatsminer/v2/get_error_code_with_errors.json", b => WhatsminerParser.Parse(Json("whatsminer/v2/summary.json"), null, null, null, null, LenientJson.Parse(b), null)),
        ("avalonminer/stats.json", b => AvalonParser.Parse(LenientJson.Parse(b), null, null, null)),
        ("avalonminer/avalon_a_stats.json", b => AvalonParser.Parse(LenientJson.Parse(b), null, null, null)),
        ("bitaxe/v2_0_0/system_info.json", b => BitaxeParser.Parse(LenientJson.Parse(b))),
        ("braiins/v21_09/version.json", b => BraiinsParser.Parse(Json("whatsminer/v2/summary.json"), null, null, null, null, null, null, LenientJson.Parse(b))),
    ];

    private static System.Text.Json.JsonElement Json(string file) => RealReplies.Json(file);

    [Fact]
    public async Task TwelveThousandMutations_OnlyTypedErrorsEscape()
    {
        var random = new Random(20261121);
        var originals = Targets.Select(t => RealReplies.Bytes(t.File)).ToArray();
        var outcomes = new Dictionary<string, int>();

        await Task.Run(() =>
        {
            for (var i = 0; i < 12_000; i++)
            {
                var target = i % Targets.Length;
                var mutated = Mutate(originals[target], random);
                try
                {
                    Targets[target].Parse(mutated);
                    Count("parsed");
                }
                catch (PollException ex)
                {
                    Count(ex.Kind.ToString());
                }
            }
        }).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(12_000, outcomes.Values.Sum());
        Assert.True(outcomes.GetValueOrDefault("parsed") > 0, "no mutation was tolerated: the mutations are too destructive to test leniency");
        Assert.True(outcomes.Keys.Count(k => k != "parsed") >= 2, $"expected several error kinds, got {string.Join(", ", outcomes.Keys)}");

        void Count(string outcome) => outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = original.ToList();
        for (var m = random.Next(1, 4); m > 0 && bytes.Count > 0; m--)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0:
                    bytes[at] = (byte)random.Next(256); // flip a byte
                    break;
                case 1:
                    bytes.RemoveRange(at, bytes.Count - at); // truncate
                    break;
                case 2:
                    bytes.InsertRange(at, Encoding.UTF8.GetBytes(Tokens[random.Next(Tokens.Length)])); // insert a token
                    break;
                case 3:
                    bytes.RemoveRange(at, Math.Min(random.Next(1, 64), bytes.Count - at)); // delete a range
                    break;
                case 4:
                    bytes.InsertRange(at, bytes.GetRange(0, Math.Min(at, 200))); // duplicate a prefix
                    break;
                default:
                    var text = Encoding.UTF8.GetString(bytes.ToArray());
                    var digit = text.IndexOfAny("0123456789".ToCharArray(), at % Math.Max(text.Length, 1));
                    bytes = Encoding.UTF8.GetBytes(digit < 0 ? text : text.Insert(digit, "\"")).ToList(); // a number becomes half a string
                    break;
            }
        }

        return [.. bytes];
    }
}
