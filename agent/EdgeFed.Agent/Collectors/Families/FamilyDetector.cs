using System.Text.Json;
using EdgeFed.Agent.Collectors.Parsing;

namespace EdgeFed.Agent.Collectors.Families;

/// <summary>
/// Tells the firmware family from the device's own answers: the CGMiner <c>version</c> reply names BMMiner/
/// Antminer, LUXminer, BOSer/BOSminer or Avalon; btminer answers <c>get_version</c> with an <c>api_ver</c>; an HTTP
/// server that serves AxeOS's <c>/api/system/info</c> is a Bitaxe.
/// </summary>
public static class FamilyDetector
{
    public static async Task<MinerFamily> DetectAsync(PollSession session)
    {
        if (await session.CommandAsync("version") is { } version && FromVersion(version) is { } family)
        {
            return family;
        }

        if (session.Unreachable)
        {
            return MinerFamily.Unknown;
        }

        if (WhatsminerParser.Message(await session.CommandAsync("get_version", "cmd"))?.String("api_ver") is not null)
        {
            return MinerFamily.Whatsminer;
        }

        return await session.SystemInfoAsync() is { } info && info.ValueKind == JsonValueKind.Object && info.TryGetProperty("ASICModel", out _)
            ? MinerFamily.Bitaxe
            : MinerFamily.Unknown;
    }

    public static MinerFamily? FromVersion(JsonElement version)
    {
        var text = version.GetRawText();
        bool Has(string s) => text.Contains(s, StringComparison.OrdinalIgnoreCase);
        if (Has("LUXminer"))
        {
            return MinerFamily.LuxOs;
        }

        if (Has("BOSer") || Has("BOSminer"))
        {
            return MinerFamily.BraiinsOs;
        }

        if (Has("\"PROD\"") || Has("Avalon"))
        {
            return MinerFamily.Avalon;
        }

        if (Has("whatsminer") || Has("btminer"))
        {
            return MinerFamily.Whatsminer;
        }

        return Has("BMMiner") || Has("Antminer") ? MinerFamily.Antminer : null;
    }
}
