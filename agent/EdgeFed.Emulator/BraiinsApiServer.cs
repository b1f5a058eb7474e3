using System.Net;
using EdgeFed.Agent.Collectors.Braiins.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeFed.Emulator;

/// <summary>What one unit's Braiins OS API answers at the moment of a call.</summary>
public sealed record BraiinsApiReplies(
    GetMinerDetailsResponse Details, GetMinerStatsResponse Stats, GetHashboardsResponse Hashboards, GetCoolingStateResponse Cooling, GetPoolGroupsResponse Pools);

/// <summary>Where a <see cref="BraiinsApiServer"/> takes its replies from: it may also delay or drop the call (a unit's network behaviour).</summary>
public interface IBraiinsApiSource
{
    Task<BraiinsApiReplies> RepliesAsync(ServerCallContext context, string call);
}

/// <summary>
/// The Braiins OS gRPC API (<c>braiins.bos.v1</c>, plaintext HTTP/2) served by Grpc.AspNetCore on one Kestrel listening
/// on the given endpoints. Login is root/root and the token goes in raw <c>authorization</c> metadata, as on BOS; a
/// call without it is UNAUTHENTICATED.
/// </summary>
public sealed class BraiinsApiServer : IAsyncDisposable
{
    public const string Token = "emulated-bos-token";

    private readonly WebApplication _app;

    private BraiinsApiServer(WebApplication app, IReadOnlyList<IPEndPoint> endpoints)
    {
        _app = app;
        Endpoints = endpoints;
    }

    /// <summary>The bound endpoints (port 0 resolved).</summary>
    public IReadOnlyList<IPEndPoint> Endpoints { get; }

    public static async Task<BraiinsApiServer> StartAsync(IEnumerable<IPEndPoint> binds, IBraiinsApiSource source)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var listen = binds.ToList();
        builder.WebHost.ConfigureKestrel(k => listen.ForEach(bind => k.Listen(bind, l => l.Protocols = HttpProtocols.Http2)));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(source);
        var app = builder.Build();
        app.MapGrpcService<Authentication>();
        app.MapGrpcService<Miner>();
        app.MapGrpcService<Cooling>();
        app.MapGrpcService<Pools>();
        await app.StartAsync();
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => new Uri(a)).Select(u => new IPEndPoint(IPAddress.Parse(u.Host), u.Port)).ToList();
        return new BraiinsApiServer(app, bound);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static async Task<BraiinsApiReplies> AuthorizedAsync(IBraiinsApiSource source, ServerCallContext context, string call)
    {
        var replies = await source.RepliesAsync(context, call); // the unit's behaviour first: an offline unit never answers
        return context.RequestHeaders.GetValue("authorization") == Token
            ? replies
            : throw new RpcException(new Status(StatusCode.Unauthenticated, "invalid or missing token"));
    }

    private sealed class Authentication(IBraiinsApiSource source) : AuthenticationService.AuthenticationServiceBase
    {
        public override async Task<LoginResponse> Login(LoginRequest request, ServerCallContext context)
        {
            await source.RepliesAsync(context, "Login");
            return request is { Username: "root", Password: "root" }
                ? new LoginResponse { Token = Token, TimeoutS = 3600 }
                : throw new RpcException(new Status(StatusCode.Unauthenticated, "invalid credentials"));
        }
    }

    private sealed class Miner(IBraiinsApiSource source) : MinerService.MinerServiceBase
    {
        public override async Task<GetMinerDetailsResponse> GetMinerDetails(GetMinerDetailsRequest request, ServerCallContext context) =>
            (await AuthorizedAsync(source, context, "GetMinerDetails")).Details;

        public override async Task<GetMinerStatsResponse> GetMinerStats(GetMinerStatsRequest request, ServerCallContext context) =>
            (await AuthorizedAsync(source, context, "GetMinerStats")).Stats;

        public override async Task<GetHashboardsResponse> GetHashboards(GetHashboardsRequest request, ServerCallContext context) =>
            (await AuthorizedAsync(source, context, "GetHashboards")).Hashboards;
    }

    private sealed class Cooling(IBraiinsApiSource source) : CoolingService.CoolingServiceBase
    {
        public override async Task<GetCoolingStateResponse> GetCoolingState(GetCoolingStateRequest request, ServerCallContext context) =>
            (await AuthorizedAsync(source, context, "GetCoolingState")).Cooling;
    }

    private sealed class Pools(IBraiinsApiSource source) : PoolService.PoolServiceBase
    {
        public override async Task<GetPoolGroupsResponse> GetPoolGroups(GetPoolGroupsRequest request, ServerCallContext context) =>
            (await AuthorizedAsync(source, context, "GetPoolGroups")).Pools;
    }
}
