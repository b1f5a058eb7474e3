using System.Text.Json.Nodes;
using EdgeFed.Agent.Collectors;

namespace EdgeFed.Emulator.Replies;

/// <summary>AxeOS <c>/api/system/info</c>, shaped like bitaxe/v2_0_0/system_info.json in shared/data.</summary>
public static class BitaxeReplies
{
    public static JsonObject SystemInfo(EmulatedMiner miner, MinerTruth truth)
    {
        var pool = new Uri(miner.PoolUrl);
        var board = truth.Boards[0];
        return new JsonObject
        {
            ["ASICModel"] = miner.Model.Name == "Bitaxe Gamma" ? "BM1370" : "BM1368",
            ["asicCount"] = board.Chips,
            ["hashRate"] = Math.Round(truth.HashrateThs * 1000, 1),
            ["power"] = Math.Round(truth.PowerW, 2),
            ["temp"] = board.ChipTempC,
            ["vrTemp"] = board.BoardTempC,
            ["fanrpm"] = truth.FansRpm.ElementAtOrDefault(0),
            ["fanspeed"] = 35,
            ["frequency"] = 490,
            ["coreVoltage"] = 1166,
            ["sharesAccepted"] = truth.AcceptedShares,
            ["sharesRejected"] = truth.RejectedShares,
            ["stratumURL"] = pool.Host,
            ["stratumPort"] = pool.Port,
            ["stratumUser"] = miner.PoolUser,
            ["isUsingFallbackStratum"] = 0,
            ["uptimeSeconds"] = truth.UptimeSeconds,
            ["version"] = "v2.4.5",
            ["hostname"] = $"bitaxe-{miner.Id}",
            ["macAddr"] = $"AA:BB:CC:{miner.Id >> 16 & 0xFF:X2}:{miner.Id >> 8 & 0xFF:X2}:{miner.Id & 0xFF:X2}",
            ["ssid"] = "FarmWiFi",
            ["wifiStatus"] = truth.State == MiningState.Unreachable ? "Disconnected" : "Connected!",
        };
    }
}
