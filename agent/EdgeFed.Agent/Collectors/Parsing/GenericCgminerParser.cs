using System.Text.Json;

namespace EdgeFed.Agent.Collectors.Parsing;

/// <summary>
/// A CGMiner RPC whose firmware names none of the known markers: read with what every CGMiner derivative keeps.
/// A bmminer-style <c>stats</c> (rates and <c>chain_*</c>) goes through the Antminer reading; otherwise the model
/// comes from any <c>Type</c> (stats, version) or <c>Model</c> (devdetails), the rates from <c>summary</c>
/// (GHS or MHS), the boards from <c>devs</c>, the fans from <c>fanN</c>. Says so: firmware "unrecognised cgminer".
/// </summary>
public static class GenericCgminerParser
{
    public const string Firmware = "unrecognised cgminer";

    public static bool CanRead(JsonElement? stats, JsonElement? summary, JsonElement? devs) =>
        Rate(summary?.First("SUMMARY")) is not null || Bmminer(stats) is not null || devs?.Objects("DEVS").Any(d => Rate(d) is not null) == true;

    public static MinerSample Parse(JsonElement? stats, JsonElement? summary, JsonElement? devs, JsonElement? pools, JsonElement? version, JsonElement? devdetails)
    {
        if (Bmminer(stats) is not null)
        {
            return AntminerParser.Parse(MinerFamily.Cgminer, stats!.Value, summary, pools, version, null) with { Firmware = Firmware };
        }

        var s = summary?.First("SUMMARY");
        var modelName = NamedModel(stats, version, devdetails);
        var model = ModelCatalog.Find(modelName);
        var boards = (devs?.Objects("DEVS") ?? []).Select((d, i) => new HashboardSample
        {
            Index = d.Int("ASC") ?? d.Int("ID") ?? i,
            Chips = d.Int("Effective Chips"),
            ExpectedChips = model?.ChipsPerBoard,
            ChipTempC = d.Double("Chip Temp Max") ?? d.Double("Temperature"),
            BoardTempC = d.Double("Temperature"),
            HashrateThs = Rate(d),
            HardwareErrors = d.Long("Hardware Errors"),
        }).ToList();
        var now = Rate(s) ?? (boards.Count > 0 && boards.All(b => b.HashrateThs is not null) ? boards.Sum(b => b.HashrateThs!.Value) : null);
        if (now is null)
        {
            throw new PollException(PollErrorKind.UnexpectedReply, "Neither summary nor devs carry a hashrate (GHS/MHS 5s).");
        }

        var body = stats?.Objects("STATS").FirstOrDefault(x => x.TryGetProperty("fan1", out _)) ?? default;
        var (url, status, user) = CgminerReply.ActivePool(pools);
        return new MinerSample
        {
            Endpoint = string.Empty,
            Family = MinerFamily.Cgminer,
            Vendor = model?.Vendor ?? VendorOf(modelName),
            Model = modelName,
            Firmware = Firmware,
            State = now > 0 ? MiningState.Mining : MiningState.Off,
            HashrateThs = now,
            AverageThs = s is { } sv ? Average(sv) : null,
            NominalThs = model?.NominalThs,
            Boards = boards,
            FansRpm = Enumerable.Range(1, 8).Select(i => body.Int($"fan{i}")).Where(f => f > 0).Select(f => f!.Value).ToList(),
            AcceptedShares = s?.Long("Accepted"),
            RejectedShares = s?.Long("Rejected"),
            HardwareErrors = s?.Long("Hardware Errors"),
            PoolUrl = url,
            PoolStatus = status,
            PoolUser = user,
            UptimeSeconds = s?.Long("Elapsed"),
        };
    }

    /// <summary>The model any reply names: a <c>Type</c> in stats or version, a <c>Model</c> in devdetails.</summary>
    public static string? NamedModel(params JsonElement?[] replies) =>
        replies.SelectMany(r => r is { ValueKind: JsonValueKind.Object } o ? o.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Array) : [])
            .SelectMany(p => p.Value.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object))
            .Select(e => e.String("Type") is { } type && type != "Board" ? type : e.String("Model"))
            .FirstOrDefault(n => n is not null && VendorOf(n) is not null);

    private static string? VendorOf(string? model) =>
        model?.StartsWith("Antminer", StringComparison.OrdinalIgnoreCase) == true ? "Bitmain"
        : model?.StartsWith("Whatsminer", StringComparison.OrdinalIgnoreCase) == true ? "MicroBT"
        : model?.StartsWith("Avalon", StringComparison.OrdinalIgnoreCase) == true ? "Canaan"
        : null;

    private static JsonElement? Bmminer(JsonElement? stats) =>
        stats?.Objects("STATS").FirstOrDefault(x => x.TryGetProperty("chain_acn1", out _) || x.TryGetProperty("GHS 5s", out _)) is { ValueKind: JsonValueKind.Object } b ? b : null;

    private static double? Rate(JsonElement? obj) => obj is not { } o ? null
        : o.Double("GHS 5s") is { } ghs ? JsonFields.Ths(ghs, 1e-3)
        : JsonFields.Ths(o.Double("MHS 5s") ?? o.Double("MHS 1m"), 1e-6);

    private static double? Average(JsonElement s) => s.Double("GHS av") is { } ghs ? JsonFields.Ths(ghs, 1e-3) : JsonFields.Ths(s.Double("MHS av"), 1e-6);
}
