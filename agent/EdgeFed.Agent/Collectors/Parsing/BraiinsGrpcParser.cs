using EdgeFed.Agent.Collectors.Braiins.V1;

namespace EdgeFed.Agent.Collectors.Parsing;

/// <summary>
/// The Braiins OS gRPC API's messages into a sample: <c>GetMinerDetails</c> (model, firmware, status, sticker
/// hashrate), <c>GetMinerStats</c> (GH/s over windows, nominal, shares, power), <c>GetHashboards</c>,
/// <c>GetCoolingState</c>, <c>GetPoolGroups</c>. Paused or suspended mining (by the operator or a curtailment
/// program) is <see cref="MiningState.Curtailed"/>.
/// </summary>
public static class BraiinsGrpcParser
{
    public sealed record Replies(
        GetMinerDetailsResponse Details, GetMinerStatsResponse? Stats = null, GetHashboardsResponse? Hashboards = null,
        GetCoolingStateResponse? Cooling = null, GetPoolGroupsResponse? Pools = null);

    public static MinerSample Parse(Replies r)
    {
        var identity = r.Details.MinerIdentity;
        var modelName = identity?.MinerModel is { Length: > 0 } m ? m : identity?.Name is { Length: > 0 } n ? n : null;
        var model = ModelCatalog.Find(modelName);
        var solver = r.Stats?.MinerStats;
        var now = Ths(solver?.RealHashrate?.Last5S ?? solver?.RealHashrate?.Last15S);
        var boards = (r.Hashboards?.Hashboards ?? []).Select((b, i) => new HashboardSample
        {
            Index = int.TryParse(b.Id, out var id) ? id - 1 : i,
            Chips = b.Enabled ? (int?)b.ChipsCount : 0,
            ExpectedChips = model?.ChipsPerBoard ?? (int?)b.ChipsCount,
            ChipTempC = b.HighestChipTemp?.Temperature?.DegreeC,
            BoardTempC = b.BoardTemp?.DegreeC,
            HashrateThs = b.Enabled ? Ths(b.Stats?.RealHashrate?.Last5S ?? b.Stats?.RealHashrate?.Last1M) : 0,
        }).ToList();
        var pool = (r.Pools?.PoolGroups ?? []).SelectMany(g => g.Pools).OrderBy(p => p.Active ? 0 : p.Alive ? 1 : 2).FirstOrDefault();
        var status = r.Details.Status;

        return new MinerSample
        {
            Endpoint = string.Empty,
            Family = MinerFamily.BraiinsOsGrpc,
            Vendor = model?.Vendor ?? (modelName?.StartsWith("Antminer", StringComparison.OrdinalIgnoreCase) == true ? "Bitmain" : null),
            Model = modelName,
            Firmware = r.Details.BosVersion?.Current is { Length: > 0 } v ? "Braiins OS " + v : null,
            State = status is MinerStatus.Paused or MinerStatus.Suspended ? MiningState.Curtailed : now > 0 ? MiningState.Mining : MiningState.Off,
            HashrateThs = now,
            AverageThs = Ths(solver?.RealHashrate?.SinceRestart),
            NominalThs = Ths(solver?.NominalHashrate) ?? Ths(r.Details.StickerHashrate) ?? model?.NominalThs,
            PowerW = r.Stats?.PowerStats?.ApproximatedConsumption?.Watt is { } w ? w : null,
            Boards = boards,
            FansRpm = (r.Cooling?.Fans ?? []).Where(f => f.Rpm > 0).Select(f => (int)f.Rpm).ToList(),
            AcceptedShares = r.Stats?.PoolStats is { } ps ? (long)ps.AcceptedShares : null,
            RejectedShares = r.Stats?.PoolStats is { } pr ? (long)pr.RejectedShares : null,
            PoolUrl = pool?.Url,
            PoolStatus = pool is null ? null : pool.Alive ? "Alive" : "Dead",
            PoolUser = pool?.User,
            UptimeSeconds = r.Details.BosminerUptimeS > 0 ? (long)r.Details.BosminerUptimeS : null,
        };
    }

    private static double? Ths(GigaHashrate? rate) => rate is null ? null : Math.Round(rate.GigahashPerSecond / 1000, 6);
}
