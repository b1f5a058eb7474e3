using System.Text.Json.Nodes;
using EdgeFed.Agent.Collectors;
using static EdgeFed.Emulator.Replies.CgminerJson;

namespace EdgeFed.Emulator.Replies;

/// <summary>Bitdeer SEALMINER (bdminer 4.11) replies, shaped like sealminer/v2025 in shared/data.</summary>
public static class SealminerReplies
{
    private const string Description = "bdminer 4.11.1";

    public static JsonObject? Render(string command, EmulatedMiner miner, MinerTruth truth) => command switch
    {
        "stats" => Reply(Description, 70, "BDMiner stats", "STATS", Stats(miner, truth)),
        "summary" => Reply(Description, 11, "Summary", "SUMMARY", new JsonObject
        {
            ["Accepted"] = truth.AcceptedShares, ["Rejected"] = truth.RejectedShares, ["Hardware Errors"] = truth.HardwareErrors,
            ["MHS 5s"] = R(truth.HashrateThs * 1e6), ["MHS av"] = R(truth.AverageThs * 1e6), ["Elapsed"] = truth.UptimeSeconds,
        }),
        "pools" => Pools(Description, miner, truth),
        "version" => Reply(Description, 22, "BDMiner versions", "VERSION", new JsonObject { ["API"] = "3.7", ["BDMiner"] = "4.11.1" }),
        _ => null,
    };

    private static JsonObject Stats(EmulatedMiner miner, MinerTruth truth)
    {
        var stats = new JsonObject
        {
            ["Model"] = miner.Model.Name.Replace("SEALMINER ", string.Empty, StringComparison.Ordinal),
            ["Firmware"] = "2025091001",
            ["Board Count"] = truth.Boards.Count,
            ["Fan Count"] = truth.FansRpm.Count,
            ["Chip Count"] = truth.Boards.Sum(b => b.ExpectedChips),
            ["MHS(Sample)"] = R(truth.HashrateThs * 1e6),
            ["MHS(Avg)"] = R(truth.AverageThs * 1e6),
            ["MHS(Ideal)"] = R(truth.NominalThs * 1e6),
            ["PSU Input Power"] = (int)truth.PowerW,
            ["Elapsed"] = truth.UptimeSeconds,
            ["Mining Mode"] = "Normal",
            ["PM State"] = truth.State == MiningState.Curtailed ? "Sleep" : "Running",
            ["Ctrl Board SN"] = miner.SerialNumber,
        };
        for (var i = 0; i < truth.Boards.Count; i++)
        {
            var b = truth.Boards[i];
            stats[$"{i} Chip Count"] = b.ExpectedChips;
            stats[$"{i} Bad Chip Count"] = b.ExpectedChips - b.Chips;
            stats[$"{i} Online"] = b.Chips > 0;
            stats[$"{i} MHS(Sample)"] = R(b.HashrateThs * 1e6);
            stats[$"{i} Temp 0"] = (int)b.BoardTempC;
            stats[$"{i} Temp 1"] = (int)b.BoardTempC - 3;
            stats[$"{i} Temp 2"] = (int)b.ChipTempC;
            stats[$"{i} Temp 3"] = (int)b.ChipTempC - 1;
            stats[$"{i} SN"] = $"{miner.SerialNumber}B{i}";
        }

        for (var i = 0; i < truth.FansRpm.Count; i++)
        {
            stats[$"{i} Speed"] = truth.FansRpm[i];
        }

        return stats;
    }
}
