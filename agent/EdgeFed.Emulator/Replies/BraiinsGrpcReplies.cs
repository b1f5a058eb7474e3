using EdgeFed.Agent.Collectors;
using EdgeFed.Agent.Collectors.Braiins.V1;
using Google.Protobuf.WellKnownTypes;

namespace EdgeFed.Emulator.Replies;

/// <summary>The Braiins OS gRPC API's messages for an emulated unit (values as in braiins/v25_07..v26_04).</summary>
public static class BraiinsGrpcReplies
{
    public static GetMinerDetailsResponse Details(EmulatedMiner miner, MinerTruth truth) => new()
    {
        Uid = miner.SerialNumber,
        MinerIdentity = new MinerIdentity { Brand = 1, Name = miner.Model.Name, MinerModel = miner.Model.Name },
        BosVersion = new BosVersion { Current = "2026-04-14-0-912d084c-26.04-plus", Major = "2022-09-13-0-11012d53-22.08-plus", BosPlus = true },
        Hostname = "Antminer",
        MacAddress = $"02:ee:da:{miner.Id >> 16 & 0xFF:x2}:{miner.Id >> 8 & 0xFF:x2}:{miner.Id & 0xFF:x2}",
        StickerHashrate = Giga(miner.Model.NominalThs),
        BosminerUptimeS = (ulong)truth.UptimeSeconds,
        SystemUptimeS = (ulong)truth.UptimeSeconds + 40,
        Status = truth.State == MiningState.Curtailed ? MinerStatus.Paused : MinerStatus.Normal,
        SerialNumber = miner.SerialNumber,
    };

    public static GetMinerStatsResponse Stats(MinerTruth truth) => new()
    {
        PoolStats = new PoolStats { AcceptedShares = (ulong)truth.AcceptedShares, RejectedShares = (ulong)truth.RejectedShares, LastDifficulty = 262144 },
        MinerStats = Solver(truth.HashrateThs, truth.AverageThs, truth.NominalThs),
        PowerStats = new PowerStats { ApproximatedConsumption = new Power { Watt = (ulong)truth.PowerW } },
    };

    public static GetHashboardsResponse Hashboards(MinerTruth truth) => new()
    {
        Hashboards =
        {
            truth.Boards.Select((b, i) => new Hashboard
            {
                Id = (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                Enabled = b.Chips > 0,
                ChipsCount = (uint)b.Chips,
                HighestChipTemp = new TemperatureSensor { Id = (uint)(i + 1), Location = SensorLocation.Chip, Temperature = new Temperature { DegreeC = b.ChipTempC } },
                BoardTemp = new Temperature { DegreeC = b.BoardTempC },
                Stats = Solver(b.HashrateThs, b.HashrateThs, truth.NominalThs / truth.Boards.Count),
                ChipType = "BM1366",
            }),
        },
    };

    public static GetCoolingStateResponse Cooling(MinerTruth truth) => new()
    {
        Fans = { truth.FansRpm.Select((rpm, i) => new FanState { Position = (uint)i, Rpm = (uint)rpm, TargetSpeedRatio = 1.0 }) },
    };

    public static GetPoolGroupsResponse Pools(EmulatedMiner miner, MinerTruth truth) => new()
    {
        PoolGroups =
        {
            new PoolGroup
            {
                Name = "default",
                Quota = new Quota { Value = 1 },
                Pools = { new Pool { Uid = "p0", Url = miner.PoolUrl, User = miner.PoolUser, Enabled = true, Alive = truth.Answers, Active = truth.State == MiningState.Mining } },
            },
        },
    };

    private static WorkSolverStats Solver(double nowThs, double averageThs, double nominalThs) => new()
    {
        RealHashrate = new RealHashrate { Last5S = Giga(nowThs), Last15S = Giga(nowThs), Last1M = Giga(nowThs), Last15M = Giga(averageThs), SinceRestart = Giga(averageThs) },
        NominalHashrate = Giga(nominalThs),
        ErrorHashrate = new MegaHashrate(),
    };

    private static GigaHashrate Giga(double ths) => new() { GigahashPerSecond = Math.Round(ths * 1000, 3) };
}
