using System.Text.Json.Nodes;
using static EdgeFed.Emulator.Replies.CgminerJson;

namespace EdgeFed.Emulator.Replies;

/// <summary>Braiins OS (BOSer) on its cgminer-compatible API; <c>version</c> as braiins/*/version.json in shared/data.</summary>
public static class BraiinsReplies
{
    private const string Description = "BOSer boser-openwrt 0.1.0-11012d53";

    public static JsonObject? Render(string command, EmulatedMiner miner, MinerTruth truth) => command switch
    {
        "version" => Reply(Description, 22, "BOSer versions", "VERSION", new JsonObject { ["API"] = "3.7", ["BOSer"] = "boser-openwrt 0.1.0-11012d53" }),
        "summary" => Reply(Description, 11, "Summary", "SUMMARY", new JsonObject
        {
            ["Accepted"] = truth.AcceptedShares,
            ["Rejected"] = truth.RejectedShares,
            ["Hardware Errors"] = truth.HardwareErrors,
            ["MHS 5s"] = R(truth.HashrateThs * 1e6),
            ["MHS 1m"] = R(truth.HashrateThs * 1e6),
            ["MHS av"] = R(truth.AverageThs * 1e6),
            ["Elapsed"] = truth.UptimeSeconds,
        }),
        "devs" => Reply(Description, 9, $"{truth.Boards.Count} ASC(s)", "DEVS", truth.Boards.Select((b, i) => new JsonObject
        {
            ["ID"] = i, ["Name"] = "BC5", ["Enabled"] = "Y", ["Status"] = "Alive", ["MHS 1m"] = R(b.HashrateThs * 1e6), ["MHS av"] = R(b.HashrateThs * 1e6),
            ["Temperature"] = b.BoardTempC, ["Hardware Errors"] = b.HardwareErrors,
        }).ToArray()),
        "devdetails" => Reply(Description, 69, "Device Details", "DEVDETAILS", truth.Boards.Select((b, i) => new JsonObject
        {
            ["ID"] = i, ["DEVDETAILS"] = i, ["Name"] = "BC5", ["Driver"] = "bitmain", ["Model"] = miner.Model.Name, ["Chips"] = b.Chips, ["Cores"] = b.Chips * 4,
        }).ToArray()),
        "fans" => Reply(Description, 202, $"{truth.FansRpm.Count} Fan(s)", "FANS", truth.FansRpm.Select((rpm, i) => new JsonObject { ["ID"] = i, ["RPM"] = rpm, ["Speed"] = 70 }).ToArray()),
        "temps" => Reply(Description, 201, $"{truth.Boards.Count} Temp(s)", "TEMPS", truth.Boards.Select((b, i) => new JsonObject { ["ID"] = i, ["Board"] = b.BoardTempC, ["Chip"] = b.ChipTempC }).ToArray()),
        "tunerstatus" => Reply(Description, 203, "Tuner Status", "TUNERSTATUS", new JsonObject
        {
            ["ApproximateMinerPowerConsumption"] = (int)truth.PowerW, ["PowerLimit"] = (int)miner.Model.PowerW,
        }),
        "pools" => Pools(Description, miner, truth),
        _ => null,
    };
}
