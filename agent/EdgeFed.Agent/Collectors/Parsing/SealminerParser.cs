using System.Text.Json;

namespace EdgeFed.Agent.Collectors.Parsing;

/// <summary>
/// Bitdeer SEALMINER (bdminer, CGMiner-style RPC): <c>stats</c> holds everything per board under numbered keys
/// (<c>"0 Chip Count"</c>, <c>"0 Bad Chip Count"</c>, <c>"0 MHS(Sample)"</c>, <c>"0 Temp 0..3"</c>, fans as
/// <c>"N Speed"</c>), the unit's rates (<c>MHS(Sample)</c>, <c>MHS(Avg)</c>, <c>MHS(Ideal)</c>) and PSU input power.
/// Temp 0/1 are the board's PCB sensors, Temp 2/3 its chip sensors (as the real reply's values show).
/// </summary>
public static class SealminerParser
{
    public static MinerSample Parse(JsonElement stats, JsonElement? summary, JsonElement? pools, JsonElement? version)
    {
        var body = CgminerReply.Section(stats, "STATS");
        var modelName = body.String("Model") is { } m ? "SEALMINER " + m : null;
        var model = ModelCatalog.Find(modelName);
        var boards = Enumerable.Range(0, body.Int("Board Count") ?? 0).Select(i =>
        {
            var chips = body.Int($"{i} Chip Count");
            var bad = body.Int($"{i} Bad Chip Count");
            var online = body.Bool($"{i} Online") != false;
            return new HashboardSample
            {
                Index = i,
                Chips = online ? chips - (bad ?? 0) : 0,
                ExpectedChips = model?.ChipsPerBoard ?? chips,
                DeadChips = online ? bad : chips,
                ChipTempC = Max(body.Double($"{i} Temp 2"), body.Double($"{i} Temp 3")),
                BoardTempC = Max(body.Double($"{i} Temp 0"), body.Double($"{i} Temp 1")),
                HashrateThs = online ? JsonFields.Ths(body.Double($"{i} MHS(Sample)"), 1e-6) : 0,
            };
        }).ToList();
        var fans = Enumerable.Range(0, body.Int("Fan Count") ?? 0).Select(i => body.Int($"{i} Speed")).Where(f => f > 0).Select(f => f!.Value).ToList();
        var s = summary?.First("SUMMARY");
        var (url, status, user) = CgminerReply.ActivePool(pools);
        var now = JsonFields.Ths(body.Double("MHS(Sample)") ?? body.Double("MHS(30s)"), 1e-6);

        return new MinerSample
        {
            Endpoint = string.Empty,
            Family = MinerFamily.Sealminer,
            Vendor = "Bitdeer",
            Model = modelName,
            Firmware = body.String("Firmware") ?? version?.First("VERSION")?.String("BDMiner"),
            State = now > 0 ? MiningState.Mining : MiningState.Off,
            HashrateThs = now,
            AverageThs = JsonFields.Ths(body.Double("MHS(Avg)"), 1e-6),
            NominalThs = JsonFields.Ths(body.Double("MHS(Ideal)"), 1e-6) ?? model?.NominalThs,
            PowerW = body.Double("PSU Input Power"),
            Boards = boards,
            FansRpm = fans,
            AcceptedShares = s?.Long("Accepted"),
            RejectedShares = s?.Long("Rejected"),
            HardwareErrors = s?.Long("Hardware Errors"),
            PoolUrl = url,
            PoolStatus = status,
            PoolUser = user,
            UptimeSeconds = body.Long("Elapsed") ?? s?.Long("Elapsed"),
        };
    }

    private static double? Max(double? a, double? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);
}
