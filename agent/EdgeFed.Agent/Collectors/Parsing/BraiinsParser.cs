using System.Text.Json;

namespace EdgeFed.Agent.Collectors.Parsing;

/// <summary>
/// Braiins OS on its cgminer-compatible API (BOSminer/BOSer): <c>summary</c> (MH/s rates), <c>devs</c> (one per
/// hashboard), <c>devdetails</c> (model and chips per board), <c>fans</c>, <c>temps</c>, <c>tunerstatus</c> (power), <c>pools</c>.
/// </summary>
public static class BraiinsParser
{
    public static MinerSample Parse(
        JsonElement summary, JsonElement? devs, JsonElement? devdetails, JsonElement? fans, JsonElement? temps, JsonElement? tuner, JsonElement? pools, JsonElement? version,
        JsonElement? stats = null)
    {
        var s = CgminerReply.Section(summary, "SUMMARY");
        var details = devdetails?.Objects("DEVDETAILS").ToList() ?? [];
        // devdetails names the model; a unit without it may still name it in stats or version (Type).
        var modelName = details.Select(d => d.String("Model")).FirstOrDefault(m => m is not null) ?? GenericCgminerParser.NamedModel(stats, version);
        modelName = modelName is not null && !modelName.StartsWith("Antminer", StringComparison.OrdinalIgnoreCase) ? "Antminer " + modelName : modelName;
        var model = ModelCatalog.Find(modelName);
        var tempList = temps?.Objects("TEMPS").ToList() ?? [];
        var boards = (devs?.Objects("DEVS") ?? []).Select((d, i) =>
        {
            var index = d.Int("ID") ?? i;
            var detail = details.FirstOrDefault(x => x.Int("ID") == index);
            var temp = tempList.FirstOrDefault(t => t.Int("ID") == index);
            return new HashboardSample
            {
                Index = index,
                Chips = detail.ValueKind == JsonValueKind.Object ? detail.Int("Chips") : null,
                ExpectedChips = model?.ChipsPerBoard,
                ChipTempC = temp.ValueKind == JsonValueKind.Object ? temp.Double("Chip") : null,
                BoardTempC = temp.ValueKind == JsonValueKind.Object ? temp.Double("Board") : d.Double("Temperature"),
                HashrateThs = JsonFields.Ths(d.Double("MHS 1m") ?? d.Double("MHS av"), 1e-6),
                HardwareErrors = d.Long("Hardware Errors"),
            };
        }).ToList();
        var (url, status, user) = CgminerReply.ActivePool(pools);
        var now = JsonFields.Ths(s.Double("MHS 5s") ?? s.Double("MHS 1m"), 1e-6);

        return new MinerSample
        {
            Endpoint = string.Empty,
            Family = MinerFamily.BraiinsOs,
            Vendor = model?.Vendor ?? "Bitmain",
            Model = modelName,
            Firmware = version?.First("VERSION")?.String("BOSer") ?? version?.First("VERSION")?.String("BOSminer"),
            State = now > 0 ? MiningState.Mining : MiningState.Off,
            HashrateThs = now,
            AverageThs = JsonFields.Ths(s.Double("MHS av"), 1e-6),
            NominalThs = model?.NominalThs,
            PowerW = tuner?.First("TUNERSTATUS")?.Double("ApproximateMinerPowerConsumption"),
            Boards = boards,
            FansRpm = (fans?.Objects("FANS") ?? []).Select(f => f.Int("RPM")).Where(r => r > 0).Select(r => r!.Value).ToList(),
            AcceptedShares = s.Long("Accepted"),
            RejectedShares = s.Long("Rejected"),
            HardwareErrors = s.Long("Hardware Errors"),
            PoolUrl = url,
            PoolStatus = status,
            PoolUser = user,
            UptimeSeconds = s.Long("Elapsed"),
        };
    }
}
