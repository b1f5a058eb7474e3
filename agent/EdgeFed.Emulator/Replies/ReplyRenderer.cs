using System.Text;
using System.Text.Json.Nodes;
using EdgeFed.Agent.Collectors;

namespace EdgeFed.Emulator.Replies;

/// <summary>Chooses the family's renderer and, when the miner misbehaves, spoils the reply the ways real firmware does.</summary>
public static class ReplyRenderer
{
    public static byte[] CgminerReply(string command, EmulatedMiner miner, MinerTruth truth, Random random, bool malformed)
    {
        var reply = command.Contains('+', StringComparison.Ordinal) ? Joined(command, miner, truth) : Single(command, miner, truth);
        var bytes = CgminerJson.Bytes(reply ?? CgminerJson.Error("cgminer", "Invalid command"));
        return malformed ? Spoil(bytes, random) : bytes;
    }

    /// <summary>
    /// cgminer's joined commands (<c>stats+summary+pools</c>): one object keyed by command, each value a one-element
    /// array holding that command's reply. bmminer, LUXminer and Avalon's cgminer join; the other firmware here answer a
    /// joined command as an unknown one, so agents must fall back to one command per connection.
    /// </summary>
    private static JsonObject? Joined(string command, EmulatedMiner miner, MinerTruth truth)
    {
        if (miner.Family is not (MinerFamily.Antminer or MinerFamily.LuxOs or MinerFamily.Avalon))
        {
            return null;
        }

        var joined = new JsonObject();
        foreach (var part in command.Split('+'))
        {
            if (joined.ContainsKey(part) || Single(part, miner, truth) is not { } reply)
            {
                return CgminerJson.Error("cgminer", $"Invalid joined command '{part}'");
            }

            joined[part] = new JsonArray(reply);
        }

        joined["id"] = 1;
        return joined;
    }

    private static JsonObject? Single(string command, EmulatedMiner miner, MinerTruth truth) =>
        miner.Family switch
        {
            MinerFamily.Antminer or MinerFamily.LuxOs => AntminerReplies.Render(command, miner, truth),
            MinerFamily.Whatsminer => WhatsminerReplies.Render(command, miner, truth),
            MinerFamily.Avalon => AvalonReplies.Render(command, miner, truth),
            MinerFamily.BraiinsOs => BraiinsReplies.Render(command, miner, truth),
            MinerFamily.Auradine => AuradineReplies.Render(command, miner, truth),
            MinerFamily.Sealminer => SealminerReplies.Render(command, miner, truth),
            _ => null,
        };

    /// <summary>The HTTP JSON families (AxeOS, ePIC, Proto): the body for a GET of <paramref name="path"/>, or null (404).</summary>
    public static byte[]? Http(string path, EmulatedMiner miner, MinerTruth truth, Random random, bool malformed)
    {
        JsonNode? body = miner.Family switch
        {
            MinerFamily.Bitaxe when path == "/api/system/info" => BitaxeReplies.SystemInfo(miner, truth),
            MinerFamily.Epic => EpicReplies.Render(path, miner, truth),
            MinerFamily.Proto => ProtoReplies.Render(path, miner, truth),
            _ => null,
        };
        if (body is null)
        {
            return null;
        }

        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        return malformed ? Spoil(bytes, random) : bytes;
    }

    /// <summary>Braiins OS GraphQL: the <c>{"data": ...}</c> for the query in a POST body, or null for a query it does not know.</summary>
    public static byte[]? Graphql(string body, EmulatedMiner miner, MinerTruth truth, Random random, bool malformed)
    {
        string? query;
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(body);
            query = json.RootElement.GetProperty("query").GetString();
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }

        if (BraiinsGraphqlReplies.Render(query ?? string.Empty, miner, truth) is not { } data)
        {
            return null;
        }

        var bytes = Encoding.UTF8.GetBytes(new JsonObject { ["data"] = data }.ToJsonString());
        return malformed ? Spoil(bytes, random) : bytes;
    }

    public static byte[] V3(string cmd, string? param, EmulatedMiner miner, MinerTruth truth, Random random, bool malformed)
    {
        var bytes = Encoding.UTF8.GetBytes(WhatsminerV3Replies.Render(cmd, param, miner, truth).ToJsonString());
        return malformed ? Spoil(bytes, random) : bytes;
    }

    /// <summary>Stock bmminer's defect: the commas between the objects of an array left out.</summary>
    public static string MissingCommas(string json) => System.Text.RegularExpressions.Regex.Replace(json, @"\}\s*,\s*\{", "}{");

    /// <summary>About a third of replies of a MalformedReplies miner: cut short, garbage, or a quirk parsers must tolerate.</summary>
    private static byte[] Spoil(byte[] reply, Random random)
    {
        if (random.NextDouble() >= 0.33)
        {
            return reply;
        }

        var text = Encoding.UTF8.GetString(reply).TrimEnd('\0');
        return random.Next(6) switch
        {
            0 => reply[..(int)(reply.Length * (0.2 + random.NextDouble() * 0.5))],                  // truncated
            1 => Encoding.UTF8.GetBytes("\u0001\u0002 garbage {{ ]"),                                  // garbage
            2 => Encoding.UTF8.GetBytes(text.Insert(text.LastIndexOf('}'), ",") + "\0"),            // trailing comma
            3 => Encoding.UTF8.GetBytes(text + text + "\0"),                                          // }{ concatenated
            4 => Encoding.UTF8.GetBytes(MissingCommas(text) + "\0"),                                 // [{...}{...}] as stock bmminer sends STATS
            _ => Encoding.UTF8.GetBytes(text.Insert(1, "\"Quirk Inf\":inf,\"Quirk NaN\":-nan,") + "\0"),              // bare inf/nan
        };
    }
}
