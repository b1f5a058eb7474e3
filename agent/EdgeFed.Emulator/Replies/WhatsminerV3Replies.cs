using System.Text.Json.Nodes;
using EdgeFed.Agent.Collectors;

namespace EdgeFed.Emulator.Replies;

/// <summary>Whatsminer API v3 replies (<c>get.device.info</c>, <c>get.miner.status</c> summary/edevs/pools), shaped like whatsminer/v3.</summary>
public static class WhatsminerV3Replies
{
    public static JsonObject Render(string cmd, string? param, EmulatedMiner miner, MinerTruth truth)
    {
        JsonNode? msg = (cmd, param) switch
        {
            ("get.device.info", _) => DeviceInfo(miner, truth),
            ("get.miner.status", "summary") => new JsonObject { ["summary"] = Summary(truth) },
            ("get.miner.status", "edevs") => new JsonObject
            {
                ["edevs"] = new JsonArray(truth.Boards.Select((b, i) => (JsonNode)new JsonObject
                {
                    ["id"] = i, ["status"] = b.Chips > 0 ? "alive" : "dead", ["effective-chips"] = b.Chips, ["chip-temp-max"] = b.ChipTempC,
                    ["chip-temp-avg"] = Math.Round(b.ChipTempC - 6, 1), ["hash-average"] = Math.Round(b.HashrateThs, 2), ["hash-realtime"] = Math.Round(b.HashrateThs, 2),
                    ["factory-hash"] = Math.Round(truth.NominalThs / truth.Boards.Count, 2),
                }).ToArray()),
            },
            ("get.miner.status", "pools") => new JsonObject
            {
                ["pools"] = new JsonArray(new JsonObject
                {
                    ["account"] = miner.PoolUser, ["pool-priority"] = 0, ["status"] = "alive", ["stratum-active"] = truth.State == MiningState.Mining, ["url"] = miner.PoolUrl,
                }),
            },
            _ => null,
        };
        return msg is null
            ? new JsonObject { ["code"] = -1, ["msg"] = "invalid cmd", ["when"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds() }
            : new JsonObject { ["code"] = 0, ["desc"] = cmd, ["msg"] = msg, ["when"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds() };
    }

    private static JsonObject DeviceInfo(EmulatedMiner miner, MinerTruth truth)
    {
        var info = new JsonObject
        {
            ["miner"] = new JsonObject
            {
                ["type"] = miner.Model.Name.Replace("Whatsminer ", string.Empty, StringComparison.Ordinal) + "_VK40",
                ["board-num"] = truth.Boards.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["miner-sn"] = miner.SerialNumber,
                ["working"] = truth.State == MiningState.Curtailed ? "false" : "true",
            },
            ["system"] = new JsonObject { ["api"] = "3.0.2", ["fwversion"] = "20251209.16.Rel2", ["platform"] = "H616" },
            ["salt"] = "uhCiDyVj",
        };
        var codes = truth.Health switch { "fan_fault" => "110", "hashboard_fault" => "218", "overheating" => "206", _ => null };
        if (codes is not null)
        {
            info["error-code"] = new JsonArray(new JsonObject { [codes] = "2026-11-21 10:30:00", ["reason"] = "emulated fault" });
        }

        return info;
    }

    private static JsonObject Summary(MinerTruth truth) => new()
    {
        ["hash-realtime"] = Math.Round(truth.HashrateThs, 3),
        ["hash-average"] = Math.Round(truth.AverageThs, 3),
        ["factory-hash"] = Math.Round(truth.NominalThs, 3),
        ["power-realtime"] = Math.Round(truth.PowerW, 1),
        ["fan-speed-in"] = truth.FansRpm.ElementAtOrDefault(0),
        ["fan-speed-out"] = truth.FansRpm.ElementAtOrDefault(1),
        ["board-temperature"] = new JsonArray(truth.Boards.Select(b => (JsonNode)JsonValue.Create(b.BoardTempC)).ToArray()),
        ["chip-temp-max"] = truth.Boards.Max(b => b.ChipTempC),
        ["elapsed"] = truth.UptimeSeconds,
    };
}
