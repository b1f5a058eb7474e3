using System.Text.Json.Nodes;
using EdgeFed.Agent.Collectors;
using static EdgeFed.Emulator.Replies.CgminerJson;

namespace EdgeFed.Emulator.Replies;

/// <summary>Stock Antminer (bmminer) and LuxOS replies, shaped like antminer/v2020 and luxminer/v1 in shared/data.</summary>
public static class AntminerReplies
{
    public static JsonObject? Render(string command, EmulatedMiner miner, MinerTruth truth)
    {
        var lux = miner.Family == MinerFamily.LuxOs;
        var description = lux ? "LUXminer 2025.4.8.220305-57b389c7" : "cgminer 1.0.0";
        var firmware = lux ? "2025.4.8.220305" : "49.0.1.3";
        return command switch
        {
            "stats" => Reply(description, 70, lux ? "LUXminer stats" : "CGMiner stats", "STATS", Header(miner, firmware, lux), Stats(miner, truth, firmware)),
            "summary" => Reply(description, 11, "Summary", "SUMMARY", new JsonObject
            {
                ["Accepted"] = truth.AcceptedShares,
                ["Rejected"] = truth.RejectedShares,
                ["Hardware Errors"] = truth.HardwareErrors,
                ["GHS 5s"] = R(truth.HashrateThs * 1000),
                ["GHS av"] = R(truth.AverageThs * 1000),
                ["Elapsed"] = truth.UptimeSeconds,
            }),
            "pools" => Pools(description, miner, truth),
            "version" => Reply(description, 22, lux ? "LUXminer versions" : "CGMiner versions", "VERSION", Version(miner, firmware, lux)),
            "power" when lux => Reply(description, 311, "Power usage", "POWER", new JsonObject { ["PSU"] = false, ["Watts"] = (int)truth.PowerW }),
            _ => null,
        };
    }

    private static JsonObject Header(EmulatedMiner miner, string firmware, bool lux)
    {
        var header = new JsonObject { ["CompileTime"] = "Tue Dec  6 16:12:30 CST 2022", ["Miner"] = firmware, ["Type"] = miner.Model.Name };
        if (!lux)
        {
            header["BMMiner"] = "1.0.0";
        }

        return header;
    }

    private static JsonObject Version(EmulatedMiner miner, string firmware, bool lux)
    {
        var version = Header(miner, firmware, lux);
        version["API"] = lux ? "3.7" : "3.1";
        if (lux)
        {
            version["LUXminer"] = "2025.4.8.220305-57b389c7";
        }

        return version;
    }

    private static JsonObject Stats(EmulatedMiner miner, MinerTruth truth, string firmware)
    {
        var stats = new JsonObject
        {
            ["Elapsed"] = truth.UptimeSeconds,
            ["GHS 5s"] = R(truth.HashrateThs * 1000),
            ["GHS av"] = R(truth.AverageThs * 1000),
            ["ID"] = "BTM_SOC0",
            ["rate_unit"] = "GH",
            ["total_rateideal"] = R(truth.NominalThs * 1000, 1),
            ["miner_count"] = truth.Boards.Count,
            ["miner_version"] = firmware,
            ["miner_id"] = miner.SerialNumber,
            ["fan_num"] = truth.FansRpm.Count,
        };
        for (var i = 1; i <= Math.Max(4, truth.Boards.Count); i++)
        {
            var board = i <= truth.Boards.Count ? truth.Boards[i - 1] : null;
            stats[$"chain_acn{i}"] = board?.Chips ?? 0;
            stats[$"chain_acs{i}"] = board is null ? string.Empty : ChipString(board);
            stats[$"chain_rate{i}"] = board is null ? string.Empty : Fixed(board.HashrateThs * 1000);
            stats[$"chain_hw{i}"] = board?.HardwareErrors ?? 0;
            stats[$"temp_chip{i}"] = board is null ? "0-0-0-0" : $"{board.ChipTempC:0}-{board.ChipTempC - 20:0}-{board.ChipTempC - 8:0}-{board.ChipTempC - 7:0}";
            stats[$"temp_pcb{i}"] = board is null ? "0-0-0-0" : $"{board.BoardTempC:0}-{board.BoardTempC - 20:0}-{board.BoardTempC - 8:0}-{board.BoardTempC - 7:0}";
            stats[$"temp{i}"] = board is null ? 0 : (int)board.BoardTempC;
            stats[$"temp2_{i}"] = board is null ? 0 : (int)board.ChipTempC;
            stats[$"freq{i}"] = board is null ? 0 : 525;
        }

        for (var i = 0; i < truth.FansRpm.Count; i++)
        {
            stats[$"fan{i + 1}"] = truth.FansRpm[i];
        }

        return stats;
    }

    /// <summary>" ooo ooo ... xxx": working chips 'o', missing ones 'x', in groups of three as bmminer prints them.</summary>
    private static string ChipString(BoardTruth board)
    {
        var chips = new string('o', board.Chips) + new string('x', Math.Max(0, board.ExpectedChips - board.Chips));
        return string.Concat(chips.Chunk(3).Select(group => " " + new string(group)));
    }
}
