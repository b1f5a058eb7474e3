using System.Text.Json.Nodes;
using EdgeFed.Agent.Collectors;

namespace EdgeFed.Emulator.Replies;

/// <summary>Proto Rig's HTTP API (<c>/api/v1/system|mining|hardware|cooling|pools</c>), shaped like proto/v1.</summary>
public static class ProtoReplies
{
    public static JsonNode? Render(string path, EmulatedMiner miner, MinerTruth truth) => path switch
    {
        "/api/v1/system" => new JsonObject
        {
            ["system-info"] = new JsonObject
            {
                ["product_name"] = miner.Model.Name, ["manufacturer"] = "Proto", ["model"] = "Rig", ["cb_sn"] = miner.SerialNumber,
                ["os"] = new JsonObject { ["name"] = "ProtoOS", ["version"] = "1.8.0", ["hostname"] = $"proto-miner-{miner.Id:x4}" },
            },
        },
        "/api/v1/mining" => new JsonObject
        {
            ["mining-status"] = new JsonObject
            {
                ["status"] = truth.State == MiningState.Curtailed ? "Idle" : "Mining",
                ["hashrate_ghs"] = Math.Round(truth.HashrateThs * 1000, 3),
                ["average_hashrate_ghs"] = Math.Round(truth.AverageThs * 1000, 3),
                ["ideal_hashrate_ghs"] = Math.Round(truth.NominalThs * 1000),
                ["power_usage_watts"] = Math.Round(truth.PowerW, 3),
                ["average_asic_temp_c"] = Math.Round(truth.Boards.Average(b => b.ChipTempC), 2),
                ["average_hb_temp_c"] = Math.Round(truth.Boards.Average(b => b.BoardTempC), 2),
                ["hashboards_installed"] = truth.Boards.Count,
                ["hashboards_mining"] = truth.Boards.Count(b => b.HashrateThs > 0),
                ["hw_errors"] = truth.HardwareErrors,
                ["mining_uptime_s"] = truth.UptimeSeconds,
            },
        },
        "/api/v1/hardware" => new JsonObject
        {
            ["hardware-info"] = new JsonObject
            {
                ["hashboards-info"] = new JsonArray(truth.Boards.Select((b, i) => (JsonNode)new JsonObject
                {
                    ["slot"] = i + 1, ["port"] = i, ["board"] = "B4", ["chip_id"] = "BM1370", ["mining_asic_count"] = b.Chips, ["hb_sn"] = $"{miner.SerialNumber}-{i}",
                }).ToArray()),
            },
        },
        "/api/v1/cooling" => new JsonObject
        {
            ["cooling-status"] = new JsonObject
            {
                ["fan_mode"] = "Auto",
                ["fans"] = new JsonArray(truth.FansRpm.Select((rpm, i) => (JsonNode)new JsonObject { ["slot"] = i + 1, ["rpm"] = rpm, ["speed_percentage"] = 60 }).ToArray()),
            },
        },
        "/api/v1/pools" => new JsonObject
        {
            ["pools"] = new JsonArray(new JsonObject
            {
                ["id"] = 0, ["priority"] = 0, ["url"] = miner.PoolUrl, ["user"] = miner.PoolUser, ["status"] = "Active", ["enabled"] = true,
                ["accepted"] = truth.AcceptedShares, ["rejected"] = truth.RejectedShares,
            }),
        },
        "/api/v1/errors" => new JsonArray(),
        _ => null,
    };
}
