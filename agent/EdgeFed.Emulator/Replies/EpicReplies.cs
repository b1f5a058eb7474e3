using System.Text.Json.Nodes;
using EdgeFed.Agent.Collectors;

namespace EdgeFed.Emulator.Replies;

/// <summary>ePIC PowerPlay's HTTP API on 4028 (<c>/summary</c>, <c>/capabilities</c>, <c>/temps</c>), shaped like epic/v1.</summary>
public static class EpicReplies
{
    public static JsonNode? Render(string path, EmulatedMiner miner, MinerTruth truth) => path switch
    {
        "/summary" => Summary(miner, truth),
        "/capabilities" => new JsonObject
        {
            ["Model"] = miner.Model.Name.Replace("Antminer", "AntMiner", StringComparison.Ordinal),
            ["Default Hashrate"] = (int)miner.Model.NominalThs,
            ["Max HBs"] = miner.Model.Boards,
            ["Performance Estimator"] = new JsonObject { ["Chip Count"] = miner.Model.ChipsPerBoard },
        },
        // Per chip [MH/s, % of target, ?] of the enabled boards; a board's missing chips hash nothing.
        "/hashrate" => new JsonArray(truth.Boards.Select((b, i) => (b, i)).Where(x => x.b.Chips > 0).Select(x => (JsonNode)new JsonObject
        {
            ["Index"] = x.i,
            ["Data"] = new JsonArray(Enumerable.Range(0, x.b.ExpectedChips).Select(c => (JsonNode)new JsonArray(
                c < x.b.Chips ? Math.Round(x.b.HashrateThs * 1e6 / x.b.Chips, 2) : 0.0, c < x.b.Chips ? 100.0 : 0.0, c < x.b.Chips ? 4.0 : 0.0)).ToArray()),
        }).ToArray()),
        "/temps" => new JsonArray(truth.Boards.Select((b, i) => (JsonNode)new JsonObject
        {
            ["Index"] = i, ["Data"] = new JsonArray(b.BoardTempC, b.ChipTempC), ["Total"] = 0.0,
        }).ToArray()),
        _ => null,
    };

    private static JsonObject Summary(EmulatedMiner miner, MinerTruth truth)
    {
        var fans = new JsonObject();
        for (var i = 0; i < 12; i++)
        {
            fans[$"Fans Speed {i + 1}"] = i < truth.FansRpm.Count ? truth.FansRpm[i] : null;
        }

        var pool = new Uri(miner.PoolUrl);
        return new JsonObject
        {
            ["Software"] = "PowerPlay-BMS v1.5.13",
            ["Hostname"] = $"epic{miner.Id:D5}",
            ["Fans Rpm"] = fans,
            // ePIC disables a board that fails and keeps it in HBStatus; only enabled boards appear in HBs.
            ["HBStatus"] = new JsonArray(truth.Boards.Select((b, i) => (JsonNode)new JsonObject { ["Detected"] = true, ["Enabled"] = b.Chips > 0, ["Index"] = i }).ToArray()),
            ["HBs"] = new JsonArray(truth.Boards.Select((b, i) => (b, i)).Where(x => x.b.Chips > 0).Select(x => (JsonNode)new JsonObject
            {
                ["Index"] = x.i, ["Hashrate"] = new JsonArray(Math.Round(x.b.HashrateThs * 1e6), 100.0, 0.8), ["Temperature"] = x.b.ChipTempC,
            }).ToArray()),
            ["Power Supply Stats"] = new JsonObject { ["Input Power"] = Math.Round(truth.PowerW, 2) },
            ["Session"] = new JsonObject
            {
                ["Accepted"] = truth.AcceptedShares, ["Rejected"] = truth.RejectedShares, ["Average MHs"] = Math.Round(truth.AverageThs * 1e6), ["Uptime"] = truth.UptimeSeconds,
            },
            ["Status"] = new JsonObject { ["Operating State"] = truth.State == MiningState.Curtailed ? "Idling" : "Mining" },
            ["Stratum"] = new JsonObject { ["Current Pool"] = $"{pool.Host}:{pool.Port}", ["Current User"] = miner.PoolUser, ["IsPoolConnected"] = true },
        };
    }
}
