using System.Globalization;
using System.Text.Json;

namespace EdgeFed.Agent.Collectors.Parsing;

/// <summary>
/// Canaan Avalon (cgminer 4.11): the <c>stats</c> reply packs the device into one string, <c>MM ID0</c>, of
/// <c>Key[value]</c> pairs: <c>GHSspd</c> (now), <c>GHSavg</c>, <c>GHSmm</c>, per-board <c>MGHS</c>/<c>MTmax</c>/<c>MTavg</c>,
/// <c>Fan1..4</c>, <c>PS[...]</c> (5th value: output power, W), <c>SYSTEMSTATU</c> ("In Idle" when soft-off) and
/// <c>SoftOFF</c>. Per-chip temperatures come as <c>PVT_T{board}[...]</c>, one value per chip.
/// </summary>
public static class AvalonParser
{
    public static MinerSample Parse(JsonElement stats, JsonElement? summary, JsonElement? pools, JsonElement? version)
    {
        var st = CgminerReply.Section(stats, "STATS");
        var packed = st.EnumerateObject().FirstOrDefault(p => p.Name.StartsWith("MM ID0", StringComparison.Ordinal)).Value;
        if (packed.ValueKind != JsonValueKind.String)
        {
            throw new PollException(PollErrorKind.UnexpectedReply, "stats has no 'MM ID0' field.");
        }

        var mm = new BracketFields(packed.GetString()! + " " + (st.String("HBinfo") ?? string.Empty));
        var v = version?.First("VERSION");
        var ver = mm.String("Ver");
        var modelName = v?.String("PROD") ?? ModelFromVer(ver);
        var model = ModelCatalog.Find(modelName);
        var now = JsonFields.Ths(mm.Number("GHSspd"), 1e-3);
        var idle = mm.Span("SYSTEMSTATU").Contains("In Idle", StringComparison.Ordinal);
        var boardRates = mm.Numbers("MGHS");
        var boardCount = boardRates.Count > 0 ? boardRates.Count : Enumerable.Range(0, 8).Count(i => mm.Has(PvtKeys[i]));
        var (maxTemps, avgTemps) = (mm.Numbers("MTmax"), mm.Numbers("MTavg"));
        var boards = new List<HashboardSample>(boardCount);
        for (var i = 0; i < boardCount; i++)
        {
            var chipTemps = i < PvtKeys.Length ? mm.Numbers(PvtKeys[i]) : mm.Numbers($"PVT_T{i}");
            boards.Add(new HashboardSample
            {
                Index = i,
                Chips = chipTemps.Count > 0 ? chipTemps.Count(t => t > 0) : null,
                ExpectedChips = model?.ChipsPerBoard ?? (chipTemps.Count > 0 ? chipTemps.Count : null),
                DeadChips = chipTemps.Count > 0 ? chipTemps.Count(t => t <= 0) : null,
                ChipTempC = At(maxTemps, i) ?? (chipTemps.Count > 0 ? chipTemps.Max() : null),
                BoardTempC = At(avgTemps, i),
                HashrateThs = JsonFields.Ths(At(boardRates, i), 1e-3),
            });
        }

        var (url, status, user) = CgminerReply.ActivePool(pools);
        var s = summary?.First("SUMMARY");
        var power = At(mm.Numbers("PS"), 4);

        return new MinerSample
        {
            Endpoint = string.Empty,
            Family = MinerFamily.Avalon,
            Vendor = "Canaan",
            Model = modelName,
            Firmware = v?.String("LVERSION") ?? ver,
            State = idle || (mm.Number("SoftOFF") > 0 && !(now > 0)) ? MiningState.Curtailed : now > 0 ? MiningState.Mining : MiningState.Off,
            HashrateThs = now,
            AverageThs = JsonFields.Ths(mm.Number("GHSavg"), 1e-3),
            NominalThs = JsonFields.Ths(mm.Number("GHSmm"), 1e-3) ?? model?.NominalThs,
            PowerW = power > 0 ? power : null,
            Boards = boards,
            FansRpm = FanKeys.Select(mm.Number).Where(f => f > 0).Select(f => (int)f!.Value).ToList(),
            AcceptedShares = s?.Long("Accepted"),
            RejectedShares = s?.Long("Rejected"),
            HardwareErrors = (long?)mm.Number("HW") ?? s?.Long("Hardware Errors"),
            PoolUrl = url,
            PoolStatus = status,
            PoolUser = user,
            UptimeSeconds = (long?)mm.Number("Elapsed") ?? st.Long("Elapsed"),
        };
    }

    private static readonly string[] PvtKeys = [.. Enumerable.Range(0, 8).Select(i => $"PVT_T{i}")];
    private static readonly string[] FanKeys = ["Fan1", "Fan2", "Fan3", "Fan4"];

    private static double? At(List<double> values, int index) => index < values.Count ? values[index] : null;

    /// <summary>"1246-83-21072802_..." → "Avalon 1246"; "Q-2505..." → "Avalon Q".</summary>
    private static string? ModelFromVer(string? ver) => ver?.Split('-', 2)[0] is { Length: > 0 } code ? "Avalon " + code : null;
}
