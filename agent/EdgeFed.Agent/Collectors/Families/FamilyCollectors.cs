using EdgeFed.Agent.Collectors.Braiins.V1;
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
        MinerFamily.WhatsminerV3 => WhatsminerV3Async(session),
        MinerFamily.BraiinsOsGrpc => BraiinsGrpcAsync(session),
        MinerFamily.BraiinsOsGraphql => BraiinsGraphqlAsync(session),
        MinerFamily.Epic => EpicAsync(session),
        MinerFamily.Auradine => AuradineAsync(session),
        MinerFamily.Sealminer => SealminerAsync(session),
        MinerFamily.Proto => ProtoAsync(session),
        MinerFamily.Cgminer => GenericCgminerAsync(session),
        _ => Task.FromResult(Unknown(session)),
    };

    private static async Task<MinerSample> AntminerAsync(PollSession session, MinerFamily family)
    {
        var replies = family == MinerFamily.LuxOs
            ? await session.CommandsAsync("stats", "summary", "pools", "power")
            : await session.CommandsAsync("stats", "summary", "pools");
        if (replies[0] is not { } stats)
        {
            return session.Failed(family);
        }

        var (summary, pools) = (replies[1], replies[2]);
        var version = await session.StaticCommandAsync("version");
        var power = family == MinerFamily.LuxOs ? replies[3]?.First("POWER")?.Double("Watts") : null;
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
        var stats = details is null ? await session.StaticCommandAsync("stats") : null; // the model from another reply
        return session.Finish(MinerFamily.BraiinsOs, () => BraiinsParser.Parse(summary, devs, details, fans, temps, tuner, pools, version, stats));
    }

    private static async Task<MinerSample> AvalonAsync(PollSession session)
    {
        if (await session.CommandsAsync("stats", "summary", "pools") is not [{ } stats, var summary, var pools])
        {
            return session.Failed(MinerFamily.Avalon);
        }

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

    private static async Task<MinerSample> WhatsminerV3Async(PollSession session)
    {
        if (await session.V3Async("get.miner.status", "summary") is not { } summary)
        {
            return session.Failed(MinerFamily.WhatsminerV3);
        }

        var edevs = await session.V3Async("get.miner.status", "edevs");
        var pools = await session.V3Async("get.miner.status", "pools");
        var info = await session.V3Async("get.device.info"); // carries the live error codes: not cached
        return session.Finish(MinerFamily.WhatsminerV3, () => WhatsminerV3Parser.Parse(summary, info, edevs, pools));
    }

    private static async Task<MinerSample> BraiinsGrpcAsync(PollSession session)
    {
        if (await session.GrpcAsync("GetMinerDetails", (i, o) => new MinerService.MinerServiceClient(i).GetMinerDetailsAsync(new(), o).ResponseAsync) is not { } details)
        {
            return session.Failed(MinerFamily.BraiinsOsGrpc);
        }

        var stats = await session.GrpcAsync("GetMinerStats", (i, o) => new MinerService.MinerServiceClient(i).GetMinerStatsAsync(new(), o).ResponseAsync);
        var boards = await session.GrpcAsync("GetHashboards", (i, o) => new MinerService.MinerServiceClient(i).GetHashboardsAsync(new(), o).ResponseAsync);
        var cooling = await session.GrpcAsync("GetCoolingState", (i, o) => new CoolingService.CoolingServiceClient(i).GetCoolingStateAsync(new(), o).ResponseAsync);
        var pools = await session.GrpcAsync("GetPoolGroups", (i, o) => new PoolService.PoolServiceClient(i).GetPoolGroupsAsync(new(), o).ResponseAsync);
        return session.Finish(MinerFamily.BraiinsOsGrpc, () => BraiinsGrpcParser.Parse(new(details, stats, boards, cooling, pools)));
    }

    private static async Task<MinerSample> BraiinsGraphqlAsync(PollSession session)
    {
        if (await session.GraphqlAsync("graphql system", BraiinsGraphqlParser.SystemQuery) is not { } system)
        {
            return session.Failed(MinerFamily.BraiinsOsGraphql);
        }

        var boards = await session.GraphqlAsync("graphql boards", BraiinsGraphqlParser.BoardsQuery);
        var pools = await session.GraphqlAsync("graphql pools", BraiinsGraphqlParser.PoolsQuery);
        return session.Finish(MinerFamily.BraiinsOsGraphql, () => BraiinsGraphqlParser.Parse(system, boards, pools));
    }

    private static async Task<MinerSample> EpicAsync(PollSession session)
    {
        if (await session.HttpGetAsync("/summary") is not { } summary)
        {
            return session.Failed(MinerFamily.Epic);
        }

        var capabilities = await session.StaticHttpGetAsync("/capabilities");
        var temps = await session.HttpGetAsync("/temps");
        var chips = await session.HttpGetAsync("/hashrate");
        return session.Finish(MinerFamily.Epic, () => EpicParser.Parse(summary, capabilities, temps, chips));
    }

    private static async Task<MinerSample> AuradineAsync(PollSession session)
    {
        if (await session.CommandAsync("summary") is not { } summary)
        {
            return session.Failed(MinerFamily.Auradine);
        }

        var replies = new AuradineParser.Replies(summary,
            Devs: await session.CommandAsync("devs"),
            Temperature: await session.CommandAsync("temperature"),
            Fan: await session.CommandAsync("fan"),
            Psu: await session.CommandAsync("psu"),
            IpReport: await session.StaticCommandAsync("ipreport"),
            AscCount: await session.StaticCommandAsync("asccount"),
            Mode: await session.CommandAsync("mode"),
            Pools: await session.CommandAsync("pools"),
            Version: await session.StaticCommandAsync("version"));
        return session.Finish(MinerFamily.Auradine, () => AuradineParser.Parse(replies));
    }

    private static async Task<MinerSample> SealminerAsync(PollSession session)
    {
        if (await session.CommandsAsync("stats", "summary", "pools") is not [{ } stats, var summary, var pools])
        {
            return session.Failed(MinerFamily.Sealminer);
        }

        var version = await session.StaticCommandAsync("version");
        return session.Finish(MinerFamily.Sealminer, () => SealminerParser.Parse(stats, summary, pools, version));
    }

    private static async Task<MinerSample> ProtoAsync(PollSession session)
    {
        if (await session.HttpGetAsync("/api/v1/mining") is not { } mining)
        {
            return session.Failed(MinerFamily.Proto);
        }

        var system = await session.StaticHttpGetAsync(ProtoParser.SystemPath);
        var hardware = await session.StaticHttpGetAsync("/api/v1/hardware");
        var cooling = await session.HttpGetAsync("/api/v1/cooling");
        var pools = await session.HttpGetAsync("/api/v1/pools");
        return session.Finish(MinerFamily.Proto, () => ProtoParser.Parse(mining, system, hardware, cooling, pools));
    }

    private static async Task<MinerSample> GenericCgminerAsync(PollSession session)
    {
        var summary = await session.CommandAsync("summary");
        if (session.Unreachable)
        {
            return session.Failed(MinerFamily.Cgminer);
        }

        var stats = await session.CommandAsync("stats");
        var devs = await session.CommandAsync("devs");
        var pools = await session.CommandAsync("pools");
        var version = await session.StaticCommandAsync("version");
        var details = await session.StaticCommandAsync("devdetails");
        return session.Finish(MinerFamily.Cgminer, () => GenericCgminerParser.Parse(stats, summary, devs, pools, version, details));
    }

    private static MinerSample Unknown(PollSession session)
    {
        if (!session.Unreachable)
        {
            session.Record(PollErrorKind.UnknownFamily, "detect", "The device's answers match no supported firmware family; configure its family.");
        }

        return session.Failed(MinerFamily.Unknown);
    }
}
