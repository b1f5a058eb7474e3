using System.Text.Json;
using EdgeFed.Agent.Collectors.Braiins;
using EdgeFed.Agent.Collectors.Braiins.V1;
using EdgeFed.Agent.Collectors.Parsing;
using EdgeFed.Agent.Collectors.Transport;

namespace EdgeFed.Agent.Collectors.Families;

/// <summary>A detected family and the session (port) it answered on.</summary>
public sealed record Detection(MinerFamily Family, PollSession Session);

/// <summary>
/// Tells the firmware family from whatever the device answers, the way fleet tools do: by port (4433 is Whatsminer
/// API v3, 50051 the Braiins OS gRPC API), then on the CGMiner socket the firmware markers of <c>version</c> or,
/// when the device does not answer it, of <c>stats</c>, <c>summary</c> and <c>devs</c>; btminer's <c>get_version</c>;
/// an HTTP answer on the JSON socket (ePIC); HTTP APIs (AxeOS, Proto, Braiins OS GraphQL). A CGMiner RPC with no known marker is read
/// generically. When the port refuses, the other well-known API ports of the host are tried.
/// </summary>
public static class FamilyDetector
{
    private static readonly int[] FallbackPorts = [WhatsminerV3Transport.DefaultPort, BraiinsApiClient.DefaultPort, 80];

    public static async Task<Detection> DetectAsync(PollSession session, Func<int, PollSession> onPort)
    {
        var family = await OnPortAsync(session);
        if (family != MinerFamily.Unknown || !session.Errors.Any(e => e.Kind == PollErrorKind.ConnectionRefused))
        {
            return new Detection(family, session);
        }

        foreach (var port in FallbackPorts.Where(p => p != session.Endpoint.Port))
        {
            var other = onPort(port);
            if (await OnPortAsync(other) is var found && found != MinerFamily.Unknown)
            {
                return new Detection(found, other);
            }
        }

        return new Detection(MinerFamily.Unknown, session);
    }

    private static async Task<MinerFamily> OnPortAsync(PollSession session)
    {
        switch (session.Endpoint.Port)
        {
            case WhatsminerV3Transport.DefaultPort:
                return WhatsminerV3Parser.IsDeviceInfo(await session.V3Async("get.device.info")) ? MinerFamily.WhatsminerV3 : MinerFamily.Unknown;
            case BraiinsApiClient.DefaultPort:
                return await session.GrpcAsync("GetMinerDetails", (invoker, options) =>
                    new MinerService.MinerServiceClient(invoker).GetMinerDetailsAsync(new GetMinerDetailsRequest(), options).ResponseAsync) is not null
                    ? MinerFamily.BraiinsOsGrpc
                    : MinerFamily.Unknown;
            case 80 or 8080:
                return await HttpFamilyAsync(session);
        }

        session.Texts = [];
        if (await session.CommandAsync("version") is { } version && FirmwareMarkers.Find(version.GetRawText()) is { } fromVersion)
        {
            return fromVersion.Family;
        }

        if (session.SpokeHttp)
        {
            return EpicParser.IsSummary(await session.HttpGetAsync("/summary")) ? MinerFamily.Epic : await HttpFamilyAsync(session);
        }

        if (session.Unreachable)
        {
            return MinerFamily.Unknown;
        }

        // Older firmware does not answer version: its other replies (and error replies) still carry the markers.
        var stats = await session.CommandAsync("stats");
        var summary = await session.CommandAsync("summary");
        var devs = await session.CommandAsync("devs");
        if (FirmwareMarkers.Find([.. session.Texts]) is { } marker)
        {
            return marker.Family;
        }

        if (WhatsminerParser.Message(await session.CommandAsync("get_version", "cmd"))?.String("api_ver") is not null)
        {
            return MinerFamily.Whatsminer;
        }

        if (GenericCgminerParser.CanRead(stats, summary, devs))
        {
            return MinerFamily.Cgminer;
        }

        return session.Unreachable ? MinerFamily.Unknown : await HttpFamilyAsync(session);
    }

    private static async Task<MinerFamily> HttpFamilyAsync(PollSession session)
    {
        if (await session.SystemInfoAsync() is { ValueKind: JsonValueKind.Object } info && info.TryGetProperty("ASICModel", out _))
        {
            return MinerFamily.Bitaxe;
        }

        if (!session.Unreachable && ProtoParser.IsSystem(await session.HttpGetAsync(ProtoParser.SystemPath)))
        {
            return MinerFamily.Proto;
        }

        return !session.Unreachable && BraiinsGraphqlParser.IsSystem(await session.GraphqlAsync("graphql system", BraiinsGraphqlParser.SystemQuery))
            ? MinerFamily.BraiinsOsGraphql
            : MinerFamily.Unknown;
    }

    /// <summary>The family named by a <c>version</c> reply's markers, or null.</summary>
    public static MinerFamily? FromVersion(JsonElement version) => FirmwareMarkers.Find(version.GetRawText())?.Family;
}
