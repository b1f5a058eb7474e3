using System.Net;
using EdgeFed.Emulator.Replies;
using Grpc.Core;

namespace EdgeFed.Emulator;

/// <summary>
/// The Braiins OS gRPC API for every emulated Braiins OS API unit of a farm: one <see cref="BraiinsApiServer"/>
/// listening on each unit's own loopback address, the unit told by the address a call arrives on. Offline units hold
/// calls unanswered, flapping ones drop half their connections.
/// </summary>
public sealed class BraiinsGrpcFarm : IAsyncDisposable
{
    private readonly BraiinsApiServer _server;

    private BraiinsGrpcFarm(BraiinsApiServer server)
    {
        _server = server;
        Endpoints = server.Endpoints.ToDictionary(e => e.Address);
    }

    /// <summary>Where each unit (by its address) answers.</summary>
    public IReadOnlyDictionary<IPAddress, IPEndPoint> Endpoints { get; }

    public static async Task<BraiinsGrpcFarm> StartAsync(IReadOnlyList<(EmulatedMiner Miner, IPEndPoint Bind)> units, TimeProvider time) =>
        new(await BraiinsApiServer.StartAsync(units.Select(u => u.Bind), new Units(units.ToDictionary(u => u.Bind.Address, u => u.Miner), time)));

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    /// <summary>The units by address: each call's replies rendered from its truth, after its network behaviour.</summary>
    private sealed class Units(IReadOnlyDictionary<IPAddress, EmulatedMiner> miners, TimeProvider time) : IBraiinsApiSource
    {
        public async Task<BraiinsApiReplies> RepliesAsync(ServerCallContext context, string call)
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

            return new BraiinsApiReplies(BraiinsGrpcReplies.Details(miner, truth), BraiinsGrpcReplies.Stats(truth), BraiinsGrpcReplies.Hashboards(truth),
                BraiinsGrpcReplies.Cooling(truth), BraiinsGrpcReplies.Pools(miner, truth));
        }
    }
}
