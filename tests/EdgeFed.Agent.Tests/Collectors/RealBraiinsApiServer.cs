using System.Net;
using EdgeFed.Agent.Collectors.Braiins;
using EdgeFed.Agent.Collectors.Braiins.V1;
using EdgeFed.Emulator;
using Grpc.Core;

namespace EdgeFed.Agent.Tests.Collectors;

/// <summary>The real Braiins OS API replies of one capture (braiins/v25_07 ...), read into the messages of our .proto.</summary>
internal static class RealBraiinsReplies
{
    public static BraiinsApiReplies Load(string capture)
    {
        string Text(string file) => File.ReadAllText(Path.Combine(RealReplies.Root, "braiins", capture, file));
        return new(
            BraiinsJson.Parse<GetMinerDetailsResponse>(Text("miner_details.json")),
            BraiinsJson.Parse<GetMinerStatsResponse>(Text("miner_stats.json")),
            BraiinsJson.Parse<GetHashboardsResponse>(Text("miner_hw_hashboards.json")),
            BraiinsJson.Parse<GetCoolingStateResponse>(Text("cooling_state.json")),
            BraiinsJson.Parse<GetPoolGroupsResponse>(Text("pools.json"))); // the capture is the list itself
    }
}

/// <summary>A Braiins OS API peer on 127.0.0.1:0 (the emulator's Grpc.AspNetCore server) answering with one real capture.</summary>
internal static class RealBraiinsApiServer
{
    public static async Task<(BraiinsApiServer Server, int Port)> StartAsync(BraiinsApiReplies replies)
    {
        var server = await BraiinsApiServer.StartAsync([new IPEndPoint(IPAddress.Loopback, 0)], new Fixed(replies));
        return (server, server.Endpoints[0].Port);
    }

    private sealed class Fixed(BraiinsApiReplies replies) : IBraiinsApiSource
    {
        public Task<BraiinsApiReplies> RepliesAsync(ServerCallContext context, string call) => Task.FromResult(replies);
    }
}
