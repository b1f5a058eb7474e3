using System.Text.Json.Serialization;

namespace EdgeFed.Agent.Collectors;

[JsonConverter(typeof(JsonStringEnumConverter<MinerFamily>))]
public enum MinerFamily
{
    Unknown,
    Antminer,
    BraiinsOs,
    LuxOs,
    Avalon,
    Whatsminer,
    Bitaxe,

    /// <summary>Whatsminer API v3: length-prefixed JSON on TCP 4433.</summary>
    WhatsminerV3,

    /// <summary>The Braiins OS API: gRPC <c>braiins.bos.v1</c> on 50051.</summary>
    BraiinsOsGrpc,

    /// <summary>Braiins OS's older web API: GraphQL on <c>POST /graphql</c> (port 80).</summary>
    BraiinsOsGraphql,

    /// <summary>ePIC PowerPlay (on Antminers): HTTP JSON on port 4028.</summary>
    Epic,

    /// <summary>Auradine Teraflux (GCMiner / FluxOS): CGMiner-compatible RPC on 4028.</summary>
    Auradine,

    /// <summary>Bitdeer SEALMINER (bdminer): CGMiner-style RPC on 4028.</summary>
    Sealminer,

    /// <summary>Proto Rig (ProtoOS): HTTP JSON <c>/api/v1/...</c>.</summary>
    Proto,

    /// <summary>A CGMiner RPC whose firmware EdgeFed does not recognise, read generically.</summary>
    Cgminer,
}

[JsonConverter(typeof(JsonStringEnumConverter<MiningState>))]
public enum MiningState
{
    /// <summary>The device did not answer (refused, timed out, garbled): see the sample's errors.</summary>
    Unreachable,
    Mining,

    /// <summary>Deliberately not hashing: sleep, soft-off, power-off by the operator or a curtailment program.</summary>
    Curtailed,

    /// <summary>Answering but not hashing, and not by request.</summary>
    Off,
}

/// <summary>One hashboard. Absent values stay null, never 0.</summary>
public sealed record HashboardSample
{
    public int Index { get; init; }

    public int? Chips { get; init; }

    public int? ExpectedChips { get; init; }

    public int? DeadChips { get; init; }

    public double? ChipTempC { get; init; }

    public double? BoardTempC { get; init; }

    public double? HashrateThs { get; init; }

    public long? HardwareErrors { get; init; }
}

/// <summary>
/// One normalised poll of one miner: TH/s, °C, W, rpm. Values the device does not report are null (stock
/// Antminers report no power). It holds the pool user for attribution on the device; that field is never
/// serialised and never leaves the device (DESIGN.md, "What leaves the device").
/// </summary>
public sealed record MinerSample
{
    public required string Endpoint { get; init; }

    public DateTimeOffset Time { get; init; }

    public MinerFamily Family { get; init; }

    public string? Vendor { get; init; }

    public string? Model { get; init; }

    public string? Firmware { get; init; }

    public MiningState State { get; init; }

    public double? HashrateThs { get; init; }

    public double? AverageThs { get; init; }

    public double? NominalThs { get; init; }

    public double? PowerW { get; init; }

    public IReadOnlyList<HashboardSample> Boards { get; init; } = [];

    public IReadOnlyList<int> FansRpm { get; init; } = [];

    public long? AcceptedShares { get; init; }

    public long? RejectedShares { get; init; }

    public long? HardwareErrors { get; init; }

    public string? PoolUrl { get; init; }

    public string? PoolStatus { get; init; }

    [JsonIgnore]
    public string? PoolUser { get; init; }

    public long? UptimeSeconds { get; init; }

    /// <summary>Error codes the firmware itself reports (e.g. Whatsminer's), as strings.</summary>
    public IReadOnlyList<string> DeviceErrorCodes { get; init; } = [];

    /// <summary>What went wrong while polling; a sample with errors may still carry partial data.</summary>
    public IReadOnlyList<PollError> Errors { get; init; } = [];
}
