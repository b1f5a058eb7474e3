using EdgeFed.Agent.Aggregation;
using EdgeFed.Agent.Attribution;
using EdgeFed.Agent.Collectors;
using EdgeFed.Emulator;
using EdgeFed.Agent.Inference;
using EdgeFed.Agent.Tests.Inference;
using EdgeFed.Protocol.Domain;
using EdgeFed.Protocol.V1;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace EdgeFed.Agent.Tests.Aggregation;

/// <summary>The agent's poll cycle against an emulated farm over loopback: every miner classified each cycle, and cells built.</summary>
public sealed class FleetCycleTests
{
    private static MinerPlan Plan(MinerFamily family, string model, string pool, params BehaviourKind[] kinds) =>
        new(family, model, pool, kinds.Select(k => new Behaviour(k, TimeSpan.Zero)).ToList());

    [Fact]
    public async Task Cycles_ClassifyEveryMiner_AndFillCellsByPoolProviderModelAndHealth()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
        var farmOptions = new FarmOptions { BaseAddress = "127.94.1.1", Port = 0, HttpPort = 0, V3Port = 0, GrpcPort = 0, Ramp = TimeSpan.Zero };
        const string antpool = "stratum+tcp://stratum.antpool.com:3333";
        const string foundry = "stratum+tcp://btc.foundryusapool.com:3333";
        await using var farm = FarmEmulator.Start(
        [
            Plan(MinerFamily.Antminer, "Antminer S21", antpool), Plan(MinerFamily.Antminer, "Antminer S21", antpool),
            Plan(MinerFamily.Whatsminer, "Whatsminer M50S", foundry), Plan(MinerFamily.Antminer, "Antminer S21", foundry, BehaviourKind.Offline),
            Plan(MinerFamily.Avalon, "Avalon A1466", foundry, BehaviourKind.Curtailed), Plan(MinerFamily.Bitaxe, "Bitaxe Gamma", antpool),
        ], farmOptions, clock);
        var pollOptions = Options.Create(new PollOptions { RequestTimeout = TimeSpan.FromMilliseconds(500) });
        using var collector = new MinerCollector(pollOptions, TimeProvider.System, NullLogger<MinerCollector>.Instance);
        using var models = CommittedModels.Load();
        var cells = new CellAccumulator();
        var service = new FleetCycleService(new FleetPoller(collector, pollOptions), new MinerClassifier(models), models, cells,
            new PoolUrlResolver(PoolCatalog.BuiltIn), new ProxyGroups(ProxyGroups.Default), pollOptions, clock, NullLogger<FleetCycleService>.Instance);
        var miners = farm.Miners.Select(m => m.Endpoint).ToList();

        for (var cycle = 0; cycle < 6; cycle++)
        {
            clock.Advance(TimeSpan.FromSeconds(10));
            await service.RunCycleAsync(miners, CancellationToken.None);
        }

        var result = cells.Drain();

        Assert.Equal(6u, (uint)result.Sum(c => c.MinerCount));
        Assert.Equal(6 * 2, result.Sum(c => c.ClassHistogram.Where(h => h.Label.StartsWith("health:", StringComparison.Ordinal)).Sum(h => h.Count)) / 3);
        var offline = Assert.Single(result, c => c.Key.Health == HealthClass.Offline);
        Assert.Equal(("unknown", "unknown", 0.0), (offline.Key.Pool, offline.Key.Model, offline.HashrateThs)); // never answered: nothing known
        Assert.Contains(offline.ClassHistogram, h => h.Label == "health:rule" && h.Count == 6);
        var curtailed = Assert.Single(result, c => c.Key.Health == HealthClass.Curtailed);
        Assert.Equal("Canaan", curtailed.Key.Vendor);
        var s21 = Assert.Single(result, c => c.Key.Model == "Antminer S21" && c.Key.Pool == "antpool");
        Assert.Equal((2u, ProxyGroups.AntPoolAndFriends, "Bitmain", HealthClass.Healthy), (s21.MinerCount, s21.Key.TemplateProvider, s21.Key.Vendor, s21.Key.Health));
        Assert.InRange(s21.HashrateThs, 2 * 200 * 0.9, 2 * 200 * 1.06);
        Assert.True(s21.AcceptedShares > 0, "shares grow between polls");
        Assert.Empty(cells.Drain());
    }
}
