using System.Net;
using EdgeFed.Agent.Collectors;

namespace EdgeFed.Emulator;

/// <summary>A running emulated farm: one <see cref="MinerServer"/> per miner, each on its own loopback address.</summary>
public sealed class FarmEmulator : IAsyncDisposable
{
    private readonly List<MinerServer> _servers;
    private readonly BraiinsGrpcFarm? _grpc;

    private FarmEmulator(List<(EmulatedMiner Miner, IPEndPoint Endpoint)> miners, List<MinerServer> servers, BraiinsGrpcFarm? grpc, TimeProvider time)
    {
        _servers = servers;
        _grpc = grpc;
        Time = time;
        Miners = miners.Select(m => new EmulatedMinerInstance(m.Miner, new MinerEndpoint(m.Endpoint.Address.ToString(), m.Endpoint.Port, m.Miner.Family))).ToList();
    }

    public IReadOnlyList<EmulatedMinerInstance> Miners { get; }

    public TimeProvider Time { get; }

    public static FarmEmulator Start(IReadOnlyList<MinerPlan> plans, FarmOptions options, TimeProvider time)
    {
        var bootedAt = time.GetUtcNow();
        var servers = new List<MinerServer>();
        var miners = new List<(EmulatedMiner Miner, IPEndPoint Bind)>();
        BraiinsGrpcFarm? grpc = null;
        try
        {
            for (var i = 0; i < plans.Count; i++)
            {
                var plan = plans[i];
                var model = ModelCatalog.Find(plan.Model) ?? throw new ArgumentException($"Unknown model '{plan.Model}'.", nameof(plans));
                var miner = new EmulatedMiner(i, plan.Family, model, plan.PoolUrl, $"farm{options.Seed}.worker{i:D4}", StableHash.Mix(options.Seed, i),
                    plan.Behaviours, bootedAt, options.Ramp);
                var port = plan.Family switch
                {
                    MinerFamily.Bitaxe or MinerFamily.Proto or MinerFamily.BraiinsOsGraphql => options.HttpPort,
                    MinerFamily.WhatsminerV3 => options.V3Port,
                    MinerFamily.BraiinsOsGrpc => options.GrpcPort,
                    _ => options.Port, // CGMiner-style RPC, and ePIC's HTTP on the same port
                };
                var bind = new IPEndPoint(AddressOf(options.BaseAddress, i), port);
                if (plan.Family == MinerFamily.BraiinsOsGrpc)
                {
                    miners.Add((miner, bind));
                    continue;
                }

                var server = new MinerServer(miner, bind, time);
                servers.Add(server);
                miners.Add((miner, server.Endpoint));
            }

            var grpcUnits = miners.Where(m => m.Miner.Family == MinerFamily.BraiinsOsGrpc).ToList();
            if (grpcUnits.Count > 0)
            {
                grpc = BraiinsGrpcFarm.StartAsync(grpcUnits, time).GetAwaiter().GetResult();
                miners = miners.Select(m => m.Miner.Family == MinerFamily.BraiinsOsGrpc ? (m.Miner, grpc.Endpoints[m.Bind.Address]) : m).ToList();
            }
        }
        catch
        {
            foreach (var server in servers)
            {
                server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            throw;
        }

        return new FarmEmulator(miners, servers, grpc, time);
    }

    /// <summary>The i-th host after <paramref name="baseAddress"/>, skipping .0 and .255 in the last octet.</summary>
    public static IPAddress AddressOf(string baseAddress, int index)
    {
        var bytes = IPAddress.Parse(baseAddress).GetAddressBytes();
        var host = bytes[3] - 1 + index;
        var third = bytes[2] + host / 254;
        if (bytes[0] != 127 || third > 255)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"Miner {index} does not fit in loopback from {baseAddress}.");
        }

        return new IPAddress([bytes[0], bytes[1], (byte)third, (byte)(1 + host % 254)]);
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_servers.Select(s => s.DisposeAsync().AsTask()));
        if (_grpc is not null)
        {
            await _grpc.DisposeAsync();
        }
    }
}

/// <summary>An emulated miner and where it answers.</summary>
public sealed record EmulatedMinerInstance(EmulatedMiner Miner, MinerEndpoint Endpoint)
{
    /// <summary>The label for this instant (noise drawn from a fixed seed, so asking does not disturb the replies).</summary>
    public MinerTruth TruthAt(DateTimeOffset now) => Miner.TruthAt(now, new Random(0));
}
