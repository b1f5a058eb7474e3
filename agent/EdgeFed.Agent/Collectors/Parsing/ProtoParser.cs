using System.Text.Json;

namespace EdgeFed.Agent.Collectors.Parsing;

/// <summary>
/// Proto Rig (ProtoOS) HTTP JSON API: <c>/api/v1/system</c> (<c>system-info</c>: product, OS version),
/// <c>/api/v1/mining</c> (<c>mining-status</c>: GH/s now, average and ideal, power, temperatures, status),
/// <c>/api/v1/hardware</c> (boards and their ASIC counts), <c>/api/v1/cooling</c> (fans), <c>/api/v1/pools</c>.
/// </summary>
public static class ProtoParser
{
    public const string SystemPath = "/api/v1/system";

    public static readonly string[] Paths = [SystemPath, "/api/v1/mining", "/api/v1/hardware", "/api/v1/cooling", "/api/v1/pools"];

    public static bool IsSystem(JsonElement? reply) => reply?.At("system-info") is not null;

    public static MinerSample Parse(JsonElement mining, JsonElement? system, JsonElement? hardware, JsonElement? cooling, JsonElement? pools)
    {
        var m = mining.At("mining-status") ?? throw new PollException(PollErrorKind.UnexpectedReply, "GET /api/v1/mining has no mining-status.");
        var info = system?.At("system-info");
        var modelName = info?.String("product_name");
        var model = ModelCatalog.Find(modelName);
        var mining_ = m.String("status") ?? string.Empty;
        var installed = hardware?.At("hardware-info") is { } hw ? hw.Objects("hashboards-info").ToList() : [];
        var boards = installed.Select((b, i) => new HashboardSample
        {
            Index = (b.Int("slot") ?? i + 1) - 1,
            Chips = b.Int("mining_asic_count"),
            ExpectedChips = model?.ChipsPerBoard ?? b.Int("mining_asic_count"),
            ChipTempC = m.Double("average_asic_temp_c"), // v1 reports the unit's averages, not per board
            BoardTempC = m.Double("average_hb_temp_c"),
        }).ToList();
        var pool = (pools is { } p ? p.Objects("pools") : []).OrderBy(x => x.String("status") == "Active" ? 0 : 1).ThenBy(x => x.Int("priority") ?? int.MaxValue)
            .FirstOrDefault();
        var now = JsonFields.Ths(m.Double("hashrate_ghs"), 1e-3);
        var os = info?.At("os");

        return new MinerSample
        {
            Endpoint = string.Empty,
            Family = MinerFamily.Proto,
            Vendor = model?.Vendor ?? info?.String("manufacturer"),
            Model = modelName,
            Firmware = os is { } o ? $"{o.String("name")} {o.String("version")}".Trim() : null,
            State = mining_.Equals("Mining", StringComparison.OrdinalIgnoreCase) && now > 0 ? MiningState.Mining
                : mining_ is "Idle" or "Sleeping" or "Paused" or "Stopped" ? MiningState.Curtailed
                : now > 0 ? MiningState.Mining : MiningState.Off,
            HashrateThs = now,
            AverageThs = JsonFields.Ths(m.Double("average_hashrate_ghs"), 1e-3),
            NominalThs = JsonFields.Ths(m.Double("ideal_hashrate_ghs"), 1e-3) ?? model?.NominalThs,
            PowerW = m.Double("power_usage_watts") is { } w ? Math.Round(w, 1) : null,
            Boards = boards,
            FansRpm = (cooling?.At("cooling-status") is { } c ? c.Objects("fans") : []).Select(f => f.Int("rpm")).Where(r => r > 0).Select(r => r!.Value).ToList(),
            AcceptedShares = pool.ValueKind == JsonValueKind.Object ? pool.Long("accepted") : null,
            RejectedShares = pool.ValueKind == JsonValueKind.Object ? pool.Long("rejected") : null,
            HardwareErrors = m.Long("hw_errors"),
            PoolUrl = pool.ValueKind == JsonValueKind.Object ? pool.String("url") : null,
            PoolStatus = pool.ValueKind == JsonValueKind.Object ? pool.String("status") : null,
            PoolUser = pool.ValueKind == JsonValueKind.Object ? pool.String("user") : null,
            UptimeSeconds = m.Long("mining_uptime_s"),
        };
    }
}
