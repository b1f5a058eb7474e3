using EdgeFed.Agent.Collectors;
using EdgeFed.Emulator;
using Xunit;

namespace EdgeFed.Agent.Tests.Emulator;

/// <summary>
/// One emulated unit of each firmware family (the twelve of issue 14 and Braiins OS's GraphQL API), each on its own loopback address and its real port
/// (4028 JSON socket or ePIC HTTP, 4433 Whatsminer v3, 50051 Braiins OS gRPC, 8080 for AxeOS/Proto/Braiins GraphQL HTTP), probed
/// the way <c>edgefed-agent probe</c> does with no family given: family, firmware, model and hashrate must be right.
/// </summary>
public sealed class AllFamiliesProbeTests
{
    public static readonly (MinerFamily Family, string Model, string FirmwareStart)[] Units =
    [
        (MinerFamily.Antminer, "Antminer S21", "49.0.1.3"),
        (MinerFamily.LuxOs, "Antminer S19k Pro", "2025.4.8"),
        (MinerFamily.BraiinsOs, "Antminer S21", "boser-openwrt"),
        (MinerFamily.BraiinsOsGrpc, "Antminer S21 Pro", "Braiins OS 2026-04-14"),
        (MinerFamily.BraiinsOsGraphql, "Antminer S21", "Braiins OS 2024-10-17"),
        (MinerFamily.Whatsminer, "Whatsminer M50S", "20230803.11.REL"),
        (MinerFamily.WhatsminerV3, "Whatsminer M60S", "20251209.16.Rel2"),
        (MinerFamily.Avalon, "Avalon A1466", ""),
        (MinerFamily.Bitaxe, "Bitaxe Gamma", ""),
        (MinerFamily.Epic, "Antminer S19 XP", "PowerPlay-BMS"),
        (MinerFamily.Auradine, "Auradine AT1500", "FluxOS 2023-12.27"),
        (MinerFamily.Sealminer, "SEALMINER A2", "2025091001"),
        (MinerFamily.Proto, "Proto Rig", "ProtoOS 1.8.0"),
    ];

    [Fact]
    public async Task EveryFamily_OnItsRealProtocolAndPort_IsProbedRight()
    {
        var options = new FarmOptions { BaseAddress = "127.78.1.1", Port = 4028, HttpPort = 8080, V3Port = 4433, GrpcPort = 50051, Ramp = TimeSpan.Zero, Seed = 21 };
        var plans = Units.Select(u => new MinerPlan(u.Family, u.Model, "stratum+tcp://btc.foundryusapool.com:3333", [])).ToList();
        await using var farm = FarmEmulator.Start(plans, options, TimeProvider.System);
        using var collector = new MinerCollector(Microsoft.Extensions.Options.Options.Create(new PollOptions { RequestTimeout = TimeSpan.FromSeconds(3) }),
            TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<MinerCollector>.Instance);

        for (var i = 0; i < Units.Length; i++)
        {
            var (family, model, firmware) = Units[i];
            var unit = farm.Miners[i];
            var sample = await collector.PollAsync(unit.Endpoint with { Family = null }, CancellationToken.None);
            var truth = unit.TruthAt(DateTimeOffset.UtcNow);

            Assert.True(sample.Errors.All(e => e.Command is "version" or "GET /summary" or "stats" or "summary" or "devs"), $"{family}: {string.Join("; ", sample.Errors)}");
            // Braiins OS's GraphQL API names no model (the miner-model classifier infers it); every other family reports it.
            Assert.Equal((family, family == MinerFamily.BraiinsOsGraphql ? null : model), (sample.Family, sample.Model));
            Assert.StartsWith(firmware, sample.Firmware ?? string.Empty, StringComparison.Ordinal);
            Assert.Equal(MiningState.Mining, sample.State);
            Assert.InRange(sample.HashrateThs!.Value, truth.NominalThs * 0.9, truth.NominalThs * 1.05);
            Assert.Equal(ModelCatalog.Find(model)!.Vendor, sample.Vendor);
            Assert.Equal("stratum+tcp://btc.foundryusapool.com:3333", sample.PoolUrl);
        }
    }
}
