using System.Text.Json;

namespace EdgeFed.Agent.Collectors.Parsing;

/// <summary>
/// Stock Antminer (bmminer/cgminer) and LuxOS, which keeps the same <c>stats</c> layout: <c>STATS[0]</c> names the
/// model, <c>STATS[1]</c> holds rates (<c>rate_unit</c>, usually GH), per-chain <c>chain_acn/acs/rate/hw</c>,
/// <c>temp_chip/temp_pcb</c> dash lists and <c>fan*</c>. In <c>chain_acs</c> 'o' is a working chip, 'x' a dead one.
/// </summary>
public static class AntminerParser
{
    public static MinerSample Parse(MinerFamily family, JsonElement stats, JsonElement? summary, JsonElement? pools, JsonElement? version, double? powerW)
    {
        CgminerReply.CheckStatus(stats);
        var sections = stats.Objects("STATS").ToList();
        var body = sections.FirstOrDefault(s => s.TryGetProperty("GHS 5s", out _) || s.TryGetProperty("chain_acn1", out _));
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new PollException(PollErrorKind.UnexpectedReply, "stats has no rates section (GHS 5s / chain_acn1).");
        }

        var header = sections.FirstOrDefault(s => s.TryGetProperty("Type", out _));
        var versionInfo = version?.First("VERSION");
        var modelName = header.String("Type") ?? versionInfo?.String("Type");
        var model = ModelCatalog.Find(modelName);
        var toThs = UnitToThs(body.String("rate_unit"));
        var boards = Boards(body, toThs, model).ToList();
        var fans = FanKeys.Select(k => body.Int(k)).TakeWhile(f => f is not null).Where(f => f > 0).Select(f => f!.Value).ToList();
        var (url, status, user) = CgminerReply.ActivePool(pools);
        var summaryInfo = summary?.First("SUMMARY");
        var now = JsonFields.Ths(body.Double("GHS 5s"), toThs);

        return new MinerSample
        {
            Endpoint = string.Empty,
            Family = family,
            Vendor = model?.Vendor ?? (modelName?.StartsWith("Antminer", StringComparison.OrdinalIgnoreCase) == true ? "Bitmain" : null),
            Model = modelName,
            Firmware = CustomFirmware(header, versionInfo) ?? versionInfo?.String("LUXminer") ?? header.String("Miner") ?? versionInfo?.String("Miner") ?? header.String("CompileTime"),
            State = now > 0 ? MiningState.Mining : MiningState.Off,
            HashrateThs = now,
            AverageThs = JsonFields.Ths(body.Double("GHS av"), toThs),
            NominalThs = JsonFields.Ths(body.Double("total_rateideal"), toThs) ?? model?.NominalThs,
            PowerW = powerW,
            Boards = boards,
            FansRpm = fans,
            AcceptedShares = summaryInfo?.Long("Accepted"),
            RejectedShares = summaryInfo?.Long("Rejected"),
            HardwareErrors = summaryInfo?.Long("Hardware Errors") ?? (boards.Count > 0 ? boards.Sum(b => b.HardwareErrors ?? 0) : null),
            PoolUrl = url,
            PoolStatus = status,
            PoolUser = user,
            UptimeSeconds = body.Long("Elapsed") ?? summaryInfo?.Long("Elapsed"),
        };
    }

    /// <summary>Hiveon, VNish and MaraFW keep bmminer's layout and name themselves in it: "VNish 1.2.6".</summary>
    private static string? CustomFirmware(JsonElement header, JsonElement? version)
    {
        var marker = Families.FirmwareMarkers.Find(header.ValueKind == JsonValueKind.Object ? header : default, version ?? default);
        if (marker is not { Family: MinerFamily.Antminer } || marker.Firmware == "stock")
        {
            return null;
        }

        var named = new[] { header, version ?? default }.Where(e => e.ValueKind == JsonValueKind.Object)
            .SelectMany(e => e.EnumerateObject()).FirstOrDefault(p => p.Name.Contains(marker.Text, StringComparison.OrdinalIgnoreCase) && p.Value.ValueKind == JsonValueKind.String);
        return named.Value.ValueKind == JsonValueKind.String ? $"{marker.Firmware} {named.Value.GetString()}" : marker.Firmware;
    }

    public static double UnitToThs(string? unit) => unit?.ToUpperInvariant() switch
    {
        "TH" => 1,
        "MH" => 1e-6,
        "KH" => 1e-9,
        _ => 1e-3, // GH, the bmminer default
    };

    private static IEnumerable<HashboardSample> Boards(JsonElement body, double toThs, MinerModel? model)
    {
        for (var i = 1; i <= ChainKeys.Length && body.TryGetProperty(ChainKeys[i - 1].Acn, out _); i++)
        {
            var keys = ChainKeys[i - 1];
            var acn = body.Int(keys.Acn);
            var acs = body.String(keys.Acs);
            var installed = acn > 0 || acs is not null || (model is not null && i <= model.Boards);
            if (!installed)
            {
                continue;
            }

            int? ok = acs?.Count(c => c == 'o');
            int? dead = acs?.Count(c => c == 'x');
            var chipTemps = JsonFields.DashList(body.String(keys.TempChip));
            var pcbTemps = JsonFields.DashList(body.String(keys.TempPcb));
            yield return new HashboardSample
            {
                Index = i - 1,
                Chips = ok ?? acn,
                ExpectedChips = model?.ChipsPerBoard ?? (ok + dead is > 0 ? ok + dead : acn),
                DeadChips = dead,
                ChipTempC = chipTemps.Count > 0 ? chipTemps.Max() : body.Double(keys.Temp2),
                BoardTempC = pcbTemps.Count > 0 ? pcbTemps.Max() : body.Double(keys.Temp),
                HashrateThs = JsonFields.Ths(body.Double(keys.Rate), toThs),
                HardwareErrors = body.Long(keys.Hw),
            };
        }
    }

    /// <summary>Chain i's property names, made once (bmminer numbers up to 16 chains from 1), not on every poll.</summary>
    private sealed record ChainKeyNames(string Acn, string Acs, string TempChip, string TempPcb, string Temp2, string Temp, string Rate, string Hw);

    private static readonly ChainKeyNames[] ChainKeys = [.. Enumerable.Range(1, 16).Select(i => new ChainKeyNames(
        $"chain_acn{i}", $"chain_acs{i}", $"temp_chip{i}", $"temp_pcb{i}", $"temp2_{i}", $"temp{i}", $"chain_rate{i}", $"chain_hw{i}"))];

    private static readonly string[] FanKeys = [.. Enumerable.Range(1, 8).Select(i => $"fan{i}")];
}
