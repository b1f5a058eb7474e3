using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using EdgeFed.Agent.Collectors;
using static EdgeFed.Emulator.Replies.CgminerJson;

namespace EdgeFed.Emulator.Replies;

/// <summary>Canaan Avalon (cgminer 4.11) replies with the packed <c>MM ID0</c> string, shaped like avalonminer/ in shared/data.</summary>
public static class AvalonReplies
{
    private const string Description = "cgminer 4.11.1";

    public static JsonObject? Render(string command, EmulatedMiner miner, MinerTruth truth) => command switch
    {
        "stats" => Reply(Description, 70, "CGMiner stats", "STATS", new JsonObject
        {
            ["Elapsed"] = truth.UptimeSeconds,
            ["ID"] = "AVA100",
            ["MM Count"] = 1,
            ["MM ID0"] = Packed(miner, truth),
        }),
        "summary" => Reply(Description, 11, "Summary", "SUMMARY", new JsonObject
        {
            ["Accepted"] = truth.AcceptedShares,
            ["Rejected"] = truth.RejectedShares,
            ["Hardware Errors"] = truth.HardwareErrors,
            ["MHS av"] = R(truth.AverageThs * 1e6),
            ["MHS 5s"] = R(truth.HashrateThs * 1e6),
            ["Elapsed"] = truth.UptimeSeconds,
        }),
        "pools" => Pools(Description, miner, truth),
        "version" => Reply(Description, 22, "CGMiner versions", "VERSION", new JsonObject
        {
            ["API"] = "3.7", ["CGMiner"] = "4.11.1", ["LVERSION"] = "21072802_4ec6bb0", ["PROD"] = miner.Model.Name, ["MODEL"] = Code(miner), ["DNA"] = miner.SerialNumber,
        }),
        _ => null,
    };

    private static string Code(EmulatedMiner miner) => miner.Model.Name.Split(' ')[^1].TrimStart('A');

    private static string Packed(EmulatedMiner miner, MinerTruth truth)
    {
        string Join(IEnumerable<double> values, string format = "0.##") => string.Join(' ', values.Select(v => v.ToString(format, CultureInfo.InvariantCulture)));
        var idle = truth.State == MiningState.Curtailed;
        var packed = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"Ver[{Code(miner)}-83-21072802_4ec6bb0_211fc46] DNA[{miner.SerialNumber}] ")
            .Append(CultureInfo.InvariantCulture, $"SYSTEMSTATU[Work: {(idle ? "In Idle" : "In Work")}, Hash Board: {truth.Boards.Count} ] Elapsed[{truth.UptimeSeconds}] ")
            .Append(CultureInfo.InvariantCulture, $"HW[{truth.HardwareErrors}] DH[2.732%] Temp[30] TMax[{truth.Boards.Max(b => b.ChipTempC):0}] TAvg[{truth.Boards.Average(b => b.ChipTempC) - 8:0}] ");
        for (var i = 0; i < 4; i++)
        {
            packed.Append(CultureInfo.InvariantCulture, $"Fan{i + 1}[{truth.FansRpm.ElementAtOrDefault(i)}] ");
        }

        packed.Append(CultureInfo.InvariantCulture, $"FanR[72%] PS[0 1214 1316 242 {(int)truth.PowerW} 1320 3504] ")
            .Append(CultureInfo.InvariantCulture, $"GHSspd[{truth.HashrateThs * 1000:0.00}] GHSmm[{truth.NominalThs * 1000:0.00}] GHSavg[{truth.AverageThs * 1000:0.00}] ")
            .Append(CultureInfo.InvariantCulture, $"MGHS[{Join(truth.Boards.Select(b => b.HashrateThs * 1000))}] MTmax[{Join(truth.Boards.Select(b => b.ChipTempC), "0")}] ")
            .Append(CultureInfo.InvariantCulture, $"MTavg[{Join(truth.Boards.Select(b => b.BoardTempC), "0")}] SoftOFF[{(idle ? 1 : 0)}] ");
        for (var i = 0; i < truth.Boards.Count; i++)
        {
            var board = truth.Boards[i];
            var temps = Enumerable.Range(0, board.ExpectedChips).Select(c => c < board.Chips ? Math.Round(board.ChipTempC - 8 + (c % 7), 0) : 0);
            packed.Append(CultureInfo.InvariantCulture, $"PVT_T{i}[{Join(temps, "0")}] ");
        }

        return packed.ToString().TrimEnd();
    }
}
