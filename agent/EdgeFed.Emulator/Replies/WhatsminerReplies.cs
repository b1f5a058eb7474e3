using System.Text.Json.Nodes;
using EdgeFed.Agent.Collectors;
using static EdgeFed.Emulator.Replies.CgminerJson;

namespace EdgeFed.Emulator.Replies;

/// <summary>MicroBT btminer replies (API v2 on 4028), shaped like whatsminer/v1 and v2 in shared/data.</summary>
public static class WhatsminerReplies
{
    private const string Description = "cgminer 4.9.2";

    public static JsonObject? Render(string command, EmulatedMiner miner, MinerTruth truth)
    {
        var codes = ErrorCodes(truth);
        return command switch
        {
            "summary" => Reply(Description, 11, "Summary", "SUMMARY", Summary(miner, truth, codes)),
            "devs" => Reply(Description, 9, $"{truth.Boards.Count} ASC(s)", "DEVS", truth.Boards.Select((b, i) => new JsonObject
            {
                ["ASC"] = i,
                ["Slot"] = i,
                ["Name"] = "SM",
                ["Enabled"] = "Y",
                ["Status"] = "Alive",
                ["Effective Chips"] = b.Chips,
                ["Chip Temp Avg"] = R(b.ChipTempC - 4),
                ["Chip Temp Max"] = b.ChipTempC,
                ["Temperature"] = b.BoardTempC,
                ["MHS av"] = R(b.HashrateThs * 1e6),
                ["Hardware Errors"] = b.HardwareErrors,
                ["PCB SN"] = $"{miner.SerialNumber}B{i}",
            }).ToArray()),
            "pools" => Pools(Description, miner, truth),
            "devdetails" => Reply(Description, 69, "Device Details", "DEVDETAILS", new JsonObject
            {
                ["DEVDETAILS"] = 0, ["Name"] = "SM", ["Driver"] = "bitmicro", ["Model"] = miner.Model.Name.Replace("Whatsminer ", string.Empty, StringComparison.Ordinal),
            }),
            "status" => Message(new JsonObject
            {
                ["btmineroff"] = truth.State == MiningState.Curtailed ? "true" : "false",
                ["Firmware Version"] = "'20230803.11.REL'",
            }),
            "get_version" => Message(new JsonObject { ["api_ver"] = "2.0.5", ["fw_ver"] = "20230803.11.REL", ["platform"] = "H616" }),
            "get_error_code" => Message(new JsonObject { ["error_code"] = new JsonArray(codes.Select(c => (JsonNode)new JsonObject { [c] = "2026-11-21 10:30:00" }).ToArray()) }),
            _ => null,
        };
    }

    private static JsonObject Summary(EmulatedMiner miner, MinerTruth truth, List<string> codes)
    {
        var summary = new JsonObject
        {
            ["Accepted"] = truth.AcceptedShares,
            ["Rejected"] = truth.RejectedShares,
            ["Hardware Errors"] = truth.HardwareErrors,
            ["MHS 5s"] = R(truth.HashrateThs * 1e6),
            ["MHS av"] = R(truth.AverageThs * 1e6),
            ["Factory GHS"] = (int)(truth.NominalThs * 1000),
            ["Power"] = (int)truth.PowerW,
            ["Power Limit"] = (int)(miner.Model.PowerW * 1.05),
            ["Fan Speed In"] = truth.FansRpm.ElementAtOrDefault(0),
            ["Fan Speed Out"] = truth.FansRpm.ElementAtOrDefault(1),
            ["Chip Temp Avg"] = R(truth.Boards.Average(b => b.ChipTempC) - 4),
            ["Chip Temp Max"] = truth.Boards.Max(b => b.ChipTempC),
            ["Temperature"] = truth.Boards.Max(b => b.BoardTempC),
            ["Uptime"] = truth.UptimeSeconds + 600,
            ["Elapsed"] = truth.UptimeSeconds,
            ["Firmware Version"] = "'20230803.11.REL'",
            ["MAC"] = $"C4:08:28:{miner.Id >> 16 & 0xFF:X2}:{miner.Id >> 8 & 0xFF:X2}:{miner.Id & 0xFF:X2}",
            ["Error Code Count"] = codes.Count,
        };
        for (var i = 0; i < codes.Count; i++)
        {
            summary[$"Error Code {i}"] = int.Parse(codes[i], System.Globalization.CultureInfo.InvariantCulture);
        }

        return summary;
    }

    /// <summary>btminer error codes for the faults the emulator injects (fan and hashboard families of codes).</summary>
    private static List<string> ErrorCodes(MinerTruth truth) => truth.Health switch
    {
        "fan_fault" => ["110"],
        "hashboard_fault" => ["218"],
        "overheating" => ["206"],
        _ => [],
    };

    private static JsonObject Message(JsonObject msg) => new()
    {
        ["Code"] = 131, ["Description"] = string.Empty, ["Msg"] = msg, ["STATUS"] = "S", ["When"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
    };
}
