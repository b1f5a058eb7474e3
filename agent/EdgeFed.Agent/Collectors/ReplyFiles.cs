using System.Text.Json;
using EdgeFed.Agent.Collectors.Parsing;

namespace EdgeFed.Agent.Collectors;

/// <summary>
/// Turns saved miner replies into samples with the same parsers the collectors use, for <c>classify</c> and for the
/// real-reply evaluation sets. <c>stats</c> is the family's main reply: Antminer/LuxOS/Avalon <c>stats</c>,
/// Whatsminer <c>devs</c> (its <c>summary</c> goes in <c>summary</c>), Bitaxe <c>/api/system/info</c>. A JSON array
/// of main replies is a run of consecutive polls, oldest first.
/// </summary>
public static class ReplyFiles
{
    public static IReadOnlyList<MinerSample> Parse(MinerFamily? family, string statsPath, string? summaryPath, string? poolsPath)
    {
        var stats = Read(statsPath);
        var summary = summaryPath is null ? (JsonElement?)null : Read(summaryPath);
        var pools = poolsPath is null ? (JsonElement?)null : Read(poolsPath);
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
                _ => throw new PollException(PollErrorKind.UnknownFamily, $"'{statsPath}' is not a reply of a family classify reads (antminer, whatsminer, avalon, bitaxe)."),
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

        var text = reply.GetRawText();
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
