using System.Net;
using EdgeFed.Agent.Collectors.Braiins.V1;
using EdgeFed.Emulator.Replies;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeFed.Emulator;

/// <summary>
/// The Braiins OS gRPC API (<c>braiins.bos.v1</c>, plaintext HTTP/2) for every emulated Braiins OS API unit of a
/// farm, served by one Kestrel (Grpc.AspNetCore) listening on each unit's own loopback address; the unit is told by
/// the address a call arrives on. Login is root/root and the token goes in raw <c>authorization</c> metadata, as
/// on BOS; offline units hold calls unanswered, flapping ones drop half their connections.
/// </summary>
public sealed class BraiinsGrpcFarm : IAsyncDisposable
{
    public const string Token = "emulated-bos-token";

    private readonly WebApplication _app;

    private BraiinsGrpcFarm(WebApplication app, IReadOnlyDictionary<IPAddress, IPEndPoint> endpoints)
    {
        _app = app;
        Endpoints = endpoints;
    }

    /// <summary>Where each unit (by its address) answers.</summary>
    public IReadOnlyDictionary<IPAddress, IPEndPoint> Endpoints { get; }

    public static async Task<BraiinsGrpcFarm> StartAsync(IReadOnlyList<(EmulatedMiner Miner, IPEndPoint Bind)> units, TimeProvider time)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            foreach (var (_, bind) in units)
            {
                k.Listen(bind, l => l.Protocols = HttpProtocols.Http2);
            }
        });
        var byAddress = units.ToDictionary(u => u.Bind.Address, u => u.Miner);
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(new Units(byAddress, time));
        var app = builder.Build();
        app.MapGrpcService<Authentication>();
        app.MapGrpcService<Miner>();
        app.MapGrpcService<Cooling>();
        app.MapGrpcService<Pools>();
        await app.StartAsync();
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => new Uri(a)).Select(u => new IPEndPoint(IPAddress.Parse(u.Host), u.Port)).ToDictionary(e => e.Address);
        return new BraiinsGrpcFarm(app, bound);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>The units by address, and the truth of the one a call is for (applying its network behaviour).</summary>
    internal sealed class Units(IReadOnlyDictionary<IPAddress, EmulatedMiner> miners, TimeProvider time)
    {
        public async Task<(EmulatedMiner Miner, MinerTruth Truth)> ForAsync(ServerCallContext context, string call, bool authenticated = true)
        {
            var http = context.GetHttpContext();
            var miner = miners[http.Connection.LocalIpAddress!.MapToIPv4()];
            var now = time.GetUtcNow();
            var random = miner.RequestRandom(now, call);
            var truth = miner.TruthAt(now, random);
            if (!truth.Answers)
            {
                await Task.Delay(Timeout.Infinite, context.CancellationToken); // offline: never answers
            }

            if (miner.Has(BehaviourKind.FlappingNetwork, now) && random.NextDouble() < 0.5)
            {
                http.Abort();
                throw new RpcException(new Status(StatusCode.Unavailable, "connection dropped"));
            }

            if (authenticated && context.RequestHeaders.GetValue("authorization") != Token)
            {
                throw new RpcException(new Status(StatusCode.Unauthenticated, "invalid or missing token"));
            }

            return (miner, truth);
        }
    }

    private sealed class Authentication(Units units) : AuthenticationService.AuthenticationServiceBase
    {
        public override async Task<LoginResponse> Login(LoginRequest request, ServerCallContext context)
        {
            await units.ForAsync(context, "Login", authenticated: false);
            return request is { Username: "root", Password: "root" }
                ? new LoginResponse { Token = Token, TimeoutS = 3600 }
                : throw new RpcException(new Status(StatusCode.Unauthenticated, "invalid credentials"));
        }
    }

    private sealed class Miner(Units units) : MinerService.MinerServiceBase
    {
        public override async Task<GetMinerDetailsResponse> GetMinerDetails(GetMinerDetailsRequest request, ServerCallContext context)
        {
            var (miner, truth) = await units.ForAsync(context, "GetMinerDetails");
            return BraiinsGrpcReplies.Details(miner, truth);
        }

        public override async Task<GetMinerStatsResponse> GetMinerStats(GetMinerStatsRequest request, ServerCallContext context) =>
            BraiinsGrpcReplies.Stats((await units.ForAsync(context, "GetMinerStats")).Truth);

        public override async Task<GetHashboardsResponse> GetHashboards(GetHashboardsRequest request, ServerCallContext context) =>
            BraiinsGrpcReplies.Hashboards((await units.ForAsync(context, "GetHashboards")).Truth);
    }

    private sealed class Cooling(Units units) : CoolingService.CoolingServiceBase
    {
        public override async Task<GetCoolingStateResponse> GetCoolingState(GetCoolingStateRequest request, ServerCallContext context) =>
            BraiinsGrpcReplies.Cooling((await units.ForAsync(context, "GetCoolingState")).Truth);
    }

    private sealed class Pools(Units units) : PoolService.PoolServiceBase
    {
        public override async Task<GetPoolGroupsResponse> GetPoolGroups(GetPoolGroupsRequest request, ServerCallContext context)
        {
            var (miner, truth) = await units.ForAsync(context, "GetPoolGroups");
            return BraiinsGrpcReplies.Pools(miner, truth);
        }
    }
}
