using System.Globalization;
using System.Text.Json.Nodes;
using EdgeFed.Agent.Collectors;
using static EdgeFed.Emulator.Replies.CgminerJson;

namespace EdgeFed.Emulator.Replies;

/// <summary>Auradine Teraflux (GCMiner, FluxOS) replies on its CGMiner-compatible RPC, shaped like auradine/v1.</summary>
public static class AuradineReplies
{
    private const string Description = "FluxOS-2023-12.27-9bf070ee4408866329c93a70f2dfdc6248938aaa";

    public static JsonObject? Render(string command, EmulatedMiner miner, MinerTruth truth) => command switch
    {
        "version" => Reply("GCMiner-0.5", 22, "GCMiner versions", "VERSION", new JsonObject { ["API"] = "1.0", ["GCMiner"] = "0.5" }),
        "summary" => Reply(Description, 11, "Summary", "SUMMARY", new JsonObject
        {
            ["Accepted"] = truth.AcceptedShares, ["Rejected"] = truth.RejectedShares, ["Hardware Errors"] = truth.HardwareErrors,
            ["MHS 5s"] = R(truth.HashrateThs * 1e6), ["MHS 1m"] = R(truth.HashrateThs * 1e6), ["MHS av"] = R(truth.AverageThs * 1e6), ["Elapsed"] = truth.UptimeSeconds,
        }),
        "devs" => Reply(Description, 9, $"{truth.Boards.Count} Dev(s)", "DEVS", truth.Boards.Select((b, i) => new JsonObject
        {
            ["DEV"] = i + 1, ["ID"] = i + 1, ["Enabled"] = true, ["Name"] = "ASICBoard", ["Status"] = b.Chips > 0 ? "Alive" : "Dead",
            ["MHS 5s"] = R(b.HashrateThs * 1e6), ["Temperature"] = b.BoardTempC,
        }).ToArray()),
        "temperature" => Reply(Description, 590, "System temperature", "Temperature", truth.Boards.Select((b, i) => new JsonObject
        {
            ["ID"] = i + 1, ["Name"] = $"Hash Board {i + 1}",
            ["BoardTemp"] = new JsonArray(new JsonObject { ["ID"] = 0, ["Temperature"] = b.BoardTempC - 2 }, new JsonObject { ["ID"] = 1, ["Temperature"] = b.BoardTempC }),
            ["ChipTemp"] = b.Chips > 0
                ? new JsonArray(new JsonObject { ["ID"] = 0, ["Temperature"] = b.ChipTempC }, new JsonObject { ["ID"] = 1, ["Temperature"] = b.ChipTempC - 1.5 })
                : null,
        }).ToArray()),
        "fan" => Reply(Description, 510, $"Total fans: {truth.FansRpm.Count}", "Fan", truth.FansRpm.Select((rpm, i) => new JsonObject
        {
            ["ID"] = i + 1, ["Max"] = 7700, ["Speed"] = rpm, ["Target"] = rpm,
        }).ToArray()),
        "psu" => Reply(Description, 570, "PSU status", "PSU", new JsonObject
        {
            ["PowerIn"] = truth.PowerW.ToString("F2", CultureInfo.InvariantCulture) + "W", ["Vin"] = "245.00V", ["PoutMax"] = "3452.00W",
        }),
        "ipreport" => Reply(Description, 620, "IP Report", "IPReport", new JsonObject
        {
            ["model"] = miner.Model.Name.Replace("Auradine ", string.Empty, StringComparison.Ordinal), ["version"] = "2023-12.27", ["SerialNo"] = miner.SerialNumber,
            ["hostname"] = $"teraflux-{miner.Id:D3}",
        }),
        "asccount" => Reply(Description, 104, "ASC count", "ASCCount", new JsonObject
        {
            ["AsicCount"] = truth.Boards.Sum(b => b.ExpectedChips), ["BoardCount"] = truth.Boards.Count,
        }),
        "mode" => Reply(Description, 540, $"Operating mode: 'normal', sleep: '{(truth.State == MiningState.Curtailed ? "true" : "false")}'", "Mode", new JsonObject
        {
            ["Mode"] = "normal", ["Sleep"] = truth.State == MiningState.Curtailed ? "on" : "off", ["Ths"] = (int)miner.Model.NominalThs, ["Power"] = (int)miner.Model.PowerW,
        }),
        "pools" => Pools(Description, miner, truth),
        _ => null,
    };
}
