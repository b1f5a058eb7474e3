using EdgeFed.Agent.Collectors.Parsing;

namespace EdgeFed.Agent.Collectors.Families;

/// <summary>The requests each firmware family needs for one sample, then its parser. The first request is the primary one.</summary>
public static class FamilyCollectors
{
    public static Task<MinerSample> PollAsync(MinerFamily family, PollSession session) => family switch
    {
        MinerFamily.Antminer => AntminerAsync(session, MinerFamily.Antminer),
        MinerFamily.LuxOs => AntminerAsync(session, MinerFamily.LuxOs),
        MinerFamily.BraiinsOs => BraiinsAsync(session),
        MinerFamily.Avalon => AvalonAsync(session),
        MinerFamily.Whatsminer => WhatsminerAsync(session),
        MinerFamily.Bitaxe => BitaxeAsync(session),
        _ => Task.FromResult(Unknown(session)),
    };

    private static async Task<MinerSample> AntminerAsync(PollSession session, MinerFamily family)
    {
        if (await session.CommandAsync("stats") is not { } stats)
        {
            return session.Failed(family);
        }

        var summary = await session.CommandAsync("summary");
        var pools = await session.CommandAsync("pools");
        var version = await session.StaticCommandAsync("version");
        var power = family == MinerFamily.LuxOs ? (await session.CommandAsync("power"))?.First("POWER")?.Double("Watts") : null;
        return session.Finish(family, () => AntminerParser.Parse(family, stats, summary, pools, version, power));
    }

    private static async Task<MinerSample> BraiinsAsync(PollSession session)
    {
        if (await session.CommandAsync("summary") is not { } summary)
        {
            return session.Failed(MinerFamily.BraiinsOs);
        }

        var devs = await session.CommandAsync("devs");
        var details = await session.StaticCommandAsync("devdetails");
        var fans = await session.CommandAsync("fans");
        var temps = await session.CommandAsync("temps");
        var tuner = await session.CommandAsync("tunerstatus");
        var pools = await session.CommandAsync("pools");
        var version = await session.StaticCommandAsync("version");
        return session.Finish(MinerFamily.BraiinsOs, () => BraiinsParser.Parse(summary, devs, details, fans, temps, tuner, pools, version));
    }

    private static async Task<MinerSample> AvalonAsync(PollSession session)
    {
        if (await session.CommandAsync("stats") is not { } stats)
        {
            return session.Failed(MinerFamily.Avalon);
        }

        var summary = await session.CommandAsync("summary");
        var pools = await session.CommandAsync("pools");
        var version = await session.StaticCommandAsync("version");
        return session.Finish(MinerFamily.Avalon, () => AvalonParser.Parse(stats, summary, pools, version));
    }

    private static async Task<MinerSample> WhatsminerAsync(PollSession session)
    {
        if (await session.CommandAsync("summary", "cmd") is not { } summary)
        {
            return session.Failed(MinerFamily.Whatsminer);
        }

        var devs = await session.CommandAsync("devs", "cmd");
        var pools = await session.CommandAsync("pools", "cmd");
        var status = await session.CommandAsync("status", "cmd");
        var version = await session.StaticCommandAsync("get_version", "cmd");
        var errors = await session.CommandAsync("get_error_code", "cmd");
        var details = await session.StaticCommandAsync("devdetails", "cmd");
        return session.Finish(MinerFamily.Whatsminer, () => WhatsminerParser.Parse(summary, devs, pools, status, version, errors, details));
    }

    private static async Task<MinerSample> BitaxeAsync(PollSession session) =>
        await session.SystemInfoAsync() is { } info ? session.Finish(MinerFamily.Bitaxe, () => BitaxeParser.Parse(info)) : session.Failed(MinerFamily.Bitaxe);

    private static MinerSample Unknown(PollSession session)
    {
        if (!session.Unreachable)
        {
            session.Record(PollErrorKind.UnknownFamily, "detect", "The device's answers match no supported firmware family; configure its family.");
        }

        return session.Failed(MinerFamily.Unknown);
    }
}
