using System.Text.Json;

namespace EdgeFed.Agent.Collectors.Parsing;

/// <summary>
/// Whatsminer API v3 (TCP 4433): <c>get.device.info</c> (<c>msg.miner.type</c> "M60S_VK40", firmware, error codes),
/// <c>get.miner.status</c> with <c>summary</c> (TH/s rates, factory hash, realtime power, fans, board temperatures),
/// <c>edevs</c> (per board TH/s, effective chips, chip temperatures) and <c>pools</c>.
/// </summary>
public static class WhatsminerV3Parser
{
    public static bool IsDeviceInfo(JsonElement? reply) => reply?.At("msg", "miner") is not null || reply?.At("msg", "system") is not null;

    public static MinerSample Parse(JsonElement summary, JsonElement? deviceInfo, JsonElement? edevs, JsonElement? pools)
    {
        var s = summary.At("msg", "summary") ?? throw new PollException(PollErrorKind.UnexpectedReply, "get.miner.status summary has no msg.summary.");
        var info = deviceInfo?.At("msg");
        var modelName = ModelName(info?.At("miner")?.String("type"));
        var model = ModelCatalog.Find(modelName);
        var boardTemps = s.TryGetProperty("board-temperature", out var bt) && bt.ValueKind == JsonValueKind.Array
            ? bt.EnumerateArray().Select(JsonFields.AsDouble).ToList()
            : [];
        var boards = (edevs?.At("msg") is { } e ? e.Objects("edevs") : []).Select((d, i) =>
        {
            var id = d.Int("id") ?? i;
            var chips = d.Int("effective-chips");
            return new HashboardSample
            {
                Index = id,
                Chips = chips,
                ExpectedChips = model?.ChipsPerBoard,
                DeadChips = model is not null && chips is { } c ? Math.Max(0, model.ChipsPerBoard - c) : null,
                ChipTempC = d.Double("chip-temp-max") ?? d.Double("chip-temp-avg"),
                BoardTempC = id >= 0 && id < boardTemps.Count ? boardTemps[id] : null,
                HashrateThs = d.Double("hash-average") ?? d.Double("hash-realtime"),
            };
        }).ToList();
        var now = s.Double("hash-realtime");
        var active = (pools?.At("msg") is { } p ? p.Objects("pools") : []).OrderBy(x => x.Bool("stratum-active") == true ? 0 : 1)
            .ThenBy(x => x.Int("pool-priority") ?? int.MaxValue).FirstOrDefault();

        return new MinerSample
        {
            Endpoint = string.Empty,
            Family = MinerFamily.WhatsminerV3,
            Vendor = "MicroBT",
            Model = modelName,
            Firmware = info?.At("system")?.String("fwversion"),
            State = info?.At("miner")?.Bool("working") == false ? MiningState.Curtailed : now > 0 ? MiningState.Mining : MiningState.Off,
            HashrateThs = now,
            AverageThs = s.Double("hash-average"),
            NominalThs = s.Double("factory-hash") ?? model?.NominalThs,
            PowerW = s.Double("power-realtime") ?? s.Double("power-5min"),
            Boards = boards,
            FansRpm = new[] { s.Int("fan-speed-in"), s.Int("fan-speed-out") }.Where(f => f > 0).Select(f => f!.Value).ToList(),
            PoolUrl = active.ValueKind == JsonValueKind.Object ? active.String("url") : null,
            PoolStatus = active.ValueKind == JsonValueKind.Object ? active.String("status") : null,
            PoolUser = active.ValueKind == JsonValueKind.Object ? active.String("account") : null,
            UptimeSeconds = s.Long("elapsed"),
            DeviceErrorCodes = info?.At("error-code") is { ValueKind: JsonValueKind.Array } codes
                ? codes.EnumerateArray().Where(c => c.ValueKind == JsonValueKind.Object).SelectMany(c => c.EnumerateObject().Where(x => x.Name != "reason").Select(x => x.Name)).ToList()
                : [],
        };
    }

    /// <summary>"M60S_VK40" → "Whatsminer M60S" (the part after '_' is the hashboard variant).</summary>
    public static string? ModelName(string? type) => type is { Length: > 0 } t ? "Whatsminer " + t.Split('_')[0] : null;
}
