using System.Net;
using EdgeFed.Agent.Collectors.Braiins.V1;
using EdgeFed.Agent.Collectors.Braiins;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeFed.Agent.Tests.Collectors;

/// <summary>The real Braiins OS API replies of one capture (braiins/v25_07 ...), read into the messages of our .proto.</summary>
public sealed record RealBraiinsReplies(
    GetMinerDetailsResponse Details, GetMinerStatsResponse Stats, GetHashboardsResponse Hashboards, GetCoolingStateResponse Cooling, GetPoolGroupsResponse Pools)
{
    public static RealBraiinsReplies Load(string capture)
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

/// <summary>
/// A Braiins OS API peer on 127.0.0.1:0 (Grpc.AspNetCore, plaintext HTTP/2) answering with one real capture;
/// login root/root, the token required as raw <c>authorization</c> metadata.
/// </summary>
public sealed class RealBraiinsApiServer : IAsyncDisposable
{
    private const string Token = "real-capture-token";
    private readonly WebApplication _app;

    private RealBraiinsApiServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public static async Task<RealBraiinsApiServer> StartAsync(RealBraiinsReplies replies)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(replies);
        var app = builder.Build();
        app.MapGrpcService<Auth>();
        app.MapGrpcService<Miner>();
        app.MapGrpcService<Cooling>();
        app.MapGrpcService<Pools>();
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new RealBraiinsApiServer(app, address.Port);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private static void Check(ServerCallContext context)
    {
        if (context.RequestHeaders.GetValue("authorization") != Token)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "token"));
        }
    }

    private sealed class Auth : AuthenticationService.AuthenticationServiceBase
    {
        public override Task<LoginResponse> Login(LoginRequest request, ServerCallContext context) =>
            request is { Username: "root", Password: "root" } ? Task.FromResult(new LoginResponse { Token = Token, TimeoutS = 3600 })
                : throw new RpcException(new Status(StatusCode.Unauthenticated, "credentials"));
    }

    private sealed class Miner(RealBraiinsReplies r) : MinerService.MinerServiceBase
    {
        public override Task<GetMinerDetailsResponse> GetMinerDetails(GetMinerDetailsRequest request, ServerCallContext context)
        {
            Check(context);
            return Task.FromResult(r.Details);
        }

        public override Task<GetMinerStatsResponse> GetMinerStats(GetMinerStatsRequest request, ServerCallContext context)
        {
            Check(context);
            return Task.FromResult(r.Stats);
        }

        public override Task<GetHashboardsResponse> GetHashboards(GetHashboardsRequest request, ServerCallContext context)
        {
            Check(context);
            return Task.FromResult(r.Hashboards);
        }
    }

    private sealed class Cooling(RealBraiinsReplies r) : CoolingService.CoolingServiceBase
    {
        public override Task<GetCoolingStateResponse> GetCoolingState(GetCoolingStateRequest request, ServerCallContext context)
        {
            Check(context);
            return Task.FromResult(r.Cooling);
        }
    }

    private sealed class Pools(RealBraiinsReplies r) : PoolService.PoolServiceBase
    {
        public override Task<GetPoolGroupsResponse> GetPoolGroups(GetPoolGroupsRequest request, ServerCallContext context)
        {
            Check(context);
            return Task.FromResult(r.Pools);
        }
    }
}
