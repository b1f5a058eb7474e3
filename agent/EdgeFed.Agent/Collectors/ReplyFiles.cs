using System.Text.Json;
using EdgeFed.Agent.Collectors.Braiins;
using EdgeFed.Agent.Collectors.Braiins.V1;
using EdgeFed.Agent.Collectors.Parsing;

namespace EdgeFed.Agent.Collectors;

/// <summary>
/// Turns saved miner replies into samples with the same parsers the collectors use, for <c>classify</c> and for the
/// real-reply evaluation sets. <c>stats</c> is the family's main reply: Antminer/LuxOS/Avalon/SEALMINER <c>stats</c>,
/// Whatsminer <c>devs</c> (its <c>summary</c> goes in <c>summary</c>), Bitaxe <c>/api/system/info</c>, Auradine
/// <c>summary</c>, ePIC <c>/summary</c>, Whatsminer v3 <c>get.miner.status summary</c>, Braiins OS API
/// <c>GetMinerStats</c>, Proto <c>/api/v1/mining</c>; the other replies a family needs come as named extras (see
/// <see cref="ExtraNames"/>). A JSON array of main replies is a run of consecutive polls, oldest first.
/// </summary>
public static class ReplyFiles
{
    /// <summary>The extra replies each family reads, by name.</summary>
    public static readonly IReadOnlyDictionary<MinerFamily, string[]> ExtraNames = new Dictionary<MinerFamily, string[]>
    {
        [MinerFamily.Sealminer] = ["version"],
        [MinerFamily.Auradine] = ["devs", "temperature", "fan", "psu", "ipreport", "asccount", "mode", "version"],
        [MinerFamily.Epic] = ["capabilities", "temps", "hashrate"],
        [MinerFamily.WhatsminerV3] = ["deviceinfo", "edevs"],
        [MinerFamily.BraiinsOsGrpc] = ["details", "hashboards", "cooling"],
        [MinerFamily.Proto] = ["system", "hardware", "cooling"],
        [MinerFamily.BraiinsOsGraphql] = ["boards"],
        [MinerFamily.Cgminer] = ["devs", "version", "devdetails"],
    };

    public static IReadOnlyList<MinerSample> Parse(MinerFamily? family, string statsPath, string? summaryPath, string? poolsPath,
        IReadOnlyDictionary<string, string>? extraPaths = null)
    {
        var stats = Read(statsPath);
        var summary = summaryPath is null ? (JsonElement?)null : Read(summaryPath);
        var pools = poolsPath is null ? (JsonElement?)null : Read(poolsPath);
        var extras = (extraPaths ?? new Dictionary<string, string>()).ToDictionary(kv => kv.Key, kv => Read(kv.Value));
        JsonElement? E(string name) => extras.TryGetValue(name, out var e) ? e : null;
        var replies = stats.ValueKind == JsonValueKind.Array && stats.GetArrayLength() > 0 && stats[0].ValueKind == JsonValueKind.Object
            ? stats.EnumerateArray().ToList()
            : [stats];
        return replies.Select(reply =>
        {
            var kind = family ?? Detect(reply, summary);
            return (kind switch
            {
                MinerFamily.Antminer or MinerFamily.LuxOs => AntminerParser.Parse(kind, reply, summary, pools, null, null),
                MinerFamily.Avalon => AvalonParser.Parse(reply, summary, pools, null),
                MinerFamily.Whatsminer => WhatsminerParser.Parse(summary ?? reply, reply, pools, null, null, null, null),
                MinerFamily.Bitaxe => BitaxeParser.Parse(reply),
                MinerFamily.Sealminer => SealminerParser.Parse(reply, summary, pools, E("version")),
                MinerFamily.Auradine => AuradineParser.Parse(new AuradineParser.Replies(reply, E("devs"), E("temperature"), E("fan"), E("psu"), E("ipreport"),
                    E("asccount"), E("mode"), pools, E("version"))),
                MinerFamily.Epic => EpicParser.Parse(reply, E("capabilities"), E("temps"), E("hashrate")),
                MinerFamily.WhatsminerV3 => WhatsminerV3Parser.Parse(reply, E("deviceinfo"), E("edevs"), pools),
                MinerFamily.Proto => ProtoParser.Parse(reply, E("system"), E("hardware"), E("cooling"), pools),
                MinerFamily.BraiinsOsGrpc => BraiinsGrpcParser.Parse(new BraiinsGrpcParser.Replies(
                    E("details") is { } d ? BraiinsJson.Parse<GetMinerDetailsResponse>(d) : throw new PollException(PollErrorKind.UnexpectedReply, "The Braiins OS API needs its details reply."),
                    BraiinsJson.Parse<GetMinerStatsResponse>(reply), E("hashboards") is { } h ? BraiinsJson.Parse<GetHashboardsResponse>(h) : null,
                    E("cooling") is { } c ? BraiinsJson.Parse<GetCoolingStateResponse>(c) : null, pools is { } p ? BraiinsJson.Parse<GetPoolGroupsResponse>(p) : null)),
                MinerFamily.BraiinsOsGraphql => BraiinsGraphqlParser.Parse(reply, E("boards"), pools),
                MinerFamily.Cgminer => GenericCgminerParser.Parse(reply, summary, E("devs"), pools, E("version"), E("devdetails")),
                _ => throw new PollException(PollErrorKind.UnknownFamily, $"'{statsPath}' is not a reply of a family classify reads."),
            }) with { Endpoint = Path.GetFileName(statsPath) };
        }).ToList();
    }

    /// <summary>The family from the shape of its main reply.</summary>
    public static MinerFamily Detect(JsonElement reply, JsonElement? summary)
    {
        if (reply.ValueKind == JsonValueKind.Object && reply.TryGetProperty("hashRate", out _))
        {
            return MinerFamily.Bitaxe;
        }

        if (reply.At("mining-status") is not null)
        {
            return MinerFamily.Proto;
        }

        if (reply.At("msg", "summary") is not null)
        {
            return MinerFamily.WhatsminerV3;
        }

        if (EpicParser.IsSummary(reply))
        {
            return MinerFamily.Epic;
        }

        if (BraiinsGraphqlParser.IsSystem(reply))
        {
            return MinerFamily.BraiinsOsGraphql;
        }

        if (reply.At("miner_stats") is not null)
        {
            return MinerFamily.BraiinsOsGrpc;
        }

        var text = reply.GetRawText();
        if (text.Contains("\"MHS(Sample)\"", StringComparison.Ordinal))
        {
            return MinerFamily.Sealminer;
        }

        if (text.Contains("GCMiner", StringComparison.Ordinal) || text.Contains("FluxOS", StringComparison.Ordinal))
        {
            return MinerFamily.Auradine;
        }

        if (text.Contains("MM ID0", StringComparison.Ordinal))
        {
            return MinerFamily.Avalon;
        }

        if (text.Contains("\"Type\"", StringComparison.Ordinal) && text.Contains("Antminer", StringComparison.OrdinalIgnoreCase))
        {
            return text.Contains("LUXminer", StringComparison.OrdinalIgnoreCase) ? MinerFamily.LuxOs : MinerFamily.Antminer;
        }

        var all = text + (summary?.GetRawText() ?? string.Empty);
        return all.Contains("\"DEVS\"", StringComparison.Ordinal) && (all.Contains("Factory GHS", StringComparison.Ordinal) || all.Contains("\"Upfreq Complete\"", StringComparison.Ordinal))
            ? MinerFamily.Whatsminer
            : MinerFamily.Unknown;
    }

    private static JsonElement Read(string path)
    {
        try
        {
            return LenientJson.Parse(File.ReadAllBytes(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new FileNotFoundException($"Cannot read '{path}': {ex.Message}", path, ex);
        }
    }
}
