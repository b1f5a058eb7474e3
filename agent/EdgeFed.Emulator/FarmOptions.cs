using System.ComponentModel.DataAnnotations;

namespace EdgeFed.Emulator;

/// <summary>The shape of an emulated farm.</summary>
public sealed class FarmOptions
{
    [Range(1, 60_000)]
    public int Miners { get; set; } = 100;

    /// <summary>Same seed, same farm: families, models, pools, faults and noise.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>The first miner's address; the rest count up through 127.x.y.1–254 like hosts on a farm LAN.</summary>
    public string BaseAddress { get; set; } = "127.0.1.1";

    /// <summary>CGMiner-style RPC port (real miners: 4028); 0 picks a free port per miner.</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 4028;

    /// <summary>AxeOS HTTP port for Bitaxes (real devices: 80, which needs privileges here); 0 picks a free port.</summary>
    [Range(0, 65535)]
    public int HttpPort { get; set; } = 8080;

    /// <summary>Whatsminer API v3 port (real devices: 4433); 0 picks a free port.</summary>
    [Range(0, 65535)]
    public int V3Port { get; set; } = 4433;

    /// <summary>Braiins OS gRPC API port (real devices: 50051); 0 picks a free port.</summary>
    [Range(0, 65535)]
    public int GrpcPort { get; set; } = 50051;

    /// <summary>Share of miners given a fault or misbehaviour.</summary>
    [Range(0.0, 1.0)]
    public double FaultyFraction { get; set; } = 0.15;

    /// <summary>Pool URLs and their weights; empty: <see cref="FarmPlanner.DefaultPools"/>.</summary>
    public IReadOnlyList<(string Url, double Weight)> Pools { get; set; } = [];

    /// <summary>How long a fault takes to develop fully.</summary>
    public TimeSpan Ramp { get; set; } = TimeSpan.FromMinutes(5);
}
