using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace EdgeFed.Agent.Collectors.Parsing;

/// <summary>
/// Canaan Avalon (cgminer 4.11): the <c>stats</c> reply packs the device into one string, <c>MM ID0</c>, of
/// <c>Key[value]</c> pairs: <c>GHSspd</c> (now), <c>GHSavg</c>, <c>GHSmm</c>, per-board <c>MGHS</c>/<c>MTmax</c>/<c>MTavg</c>,
/// <c>Fan1..4</c>, <c>PS[...]</c> (5th value: output power, W), <c>SYSTEMSTATU</c> ("In Idle" when soft-off) and
/// <c>SoftOFF</c>. Per-chip temperatures come as <c>PVT_T{board}[...]</c>, one value per chip.
/// </summary>
public static partial class AvalonParser
{
    public static MinerSample Parse(JsonElement stats, JsonElement? summary, JsonElement? pools, JsonElement? version)
    {
        var st = CgminerReply.Section(stats, "STATS");
        var packed = st.EnumerateObject().FirstOrDefault(p => p.Name.StartsWith("MM ID0", StringComparison.Ordinal)).Value;
        if (packed.ValueKind != JsonValueKind.String)
        {
            throw new PollException(PollErrorKind.UnexpectedReply, "stats has no 'MM ID0' field.");
        }

        var mm = Brackets(packed.GetString()! + " " + (st.String("HBinfo") ?? string.Empty));
        var v = version?.First("VERSION");
        var modelName = v?.String("PROD") ?? ModelFromVer(Get(mm, "Ver"));
        var model = ModelCatalog.Find(modelName);
        var now = JsonFields.Ths(Number(mm, "GHSspd"), 1e-3);
        var idle = Get(mm, "SYSTEMSTATU")?.Contains("In Idle", StringComparison.Ordinal) == true;
        var boardRates = Numbers(mm, "MGHS");
        var boardCount = boardRates.Count > 0 ? boardRates.Count : Enumerable.Range(0, 8).Count(i => mm.ContainsKey($"PVT_T{i}"));
        var boards = Enumerable.Range(0, boardCount).Select(i =>
        {
            var chipTemps = Numbers(mm, $"PVT_T{i}");
            return new HashboardSample
            {
                Index = i,
                Chips = chipTemps.Count > 0 ? chipTemps.Count(t => t > 0) : null,
                ExpectedChips = model?.ChipsPerBoard ?? (chipTemps.Count > 0 ? chipTemps.Count : null),
                DeadChips = chipTemps.Count > 0 ? chipTemps.Count(t => t <= 0) : null,
                ChipTempC = At(Numbers(mm, "MTmax"), i) ?? (chipTemps.Count > 0 ? chipTemps.Max() : null),
                BoardTempC = At(Numbers(mm, "MTavg"), i),
                HashrateThs = JsonFields.Ths(At(boardRates, i), 1e-3),
            };
        }).ToList();
        var (url, status, user) = CgminerReply.ActivePool(pools);
        var s = summary?.First("SUMMARY");
        var power = At(Numbers(mm, "PS"), 4);

        return new MinerSample
        {
            Endpoint = string.Empty,
            Family = MinerFamily.Avalon,
            Vendor = "Canaan",
            Model = modelName,
            Firmware = v?.String("LVERSION") ?? Get(mm, "Ver"),
            State = idle || (Number(mm, "SoftOFF") > 0 && !(now > 0)) ? MiningState.Curtailed : now > 0 ? MiningState.Mining : MiningState.Off,
            HashrateThs = now,
            AverageThs = JsonFields.Ths(Number(mm, "GHSavg"), 1e-3),
            NominalThs = JsonFields.Ths(Number(mm, "GHSmm"), 1e-3) ?? model?.NominalThs,
            PowerW = power > 0 ? power : null,
            Boards = boards,
            FansRpm = Enumerable.Range(1, 4).Select(i => Number(mm, $"Fan{i}")).Where(f => f > 0).Select(f => (int)f!.Value).ToList(),
            AcceptedShares = s?.Long("Accepted"),
            RejectedShares = s?.Long("Rejected"),
            HardwareErrors = (long?)Number(mm, "HW") ?? s?.Long("Hardware Errors"),
            PoolUrl = url,
            PoolStatus = status,
            PoolUser = user,
            UptimeSeconds = (long?)Number(mm, "Elapsed") ?? st.Long("Elapsed"),
        };
    }

    /// <summary>"Key[value] Other Key[v1 v2]" → key → raw value (first occurrence wins).</summary>
    public static Dictionary<string, string> Brackets(string packed)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match match in BracketPair().Matches(packed))
        {
            result.TryAdd(match.Groups[1].Value.Trim(), match.Groups[2].Value.Trim());
        }

        return result;
    }

    private static string? Get(Dictionary<string, string> mm, string key) => mm.TryGetValue(key, out var value) ? value : null;

    private static double? Number(Dictionary<string, string> mm, string key) => Numbers(mm, key) is [var first, ..] ? first : null;

    private static List<double> Numbers(Dictionary<string, string> mm, string key) =>
        Get(mm, key)?.TrimEnd('%').Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => double.TryParse(p.TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? (double?)d : null)
            .TakeWhile(d => d is not null).Select(d => d!.Value).ToList() ?? [];

    private static double? At(List<double> values, int index) => index < values.Count ? values[index] : null;

    /// <summary>"1246-83-21072802_..." → "Avalon 1246"; "Q-2505..." → "Avalon Q".</summary>
    private static string? ModelFromVer(string? ver) => ver?.Split('-', 2)[0] is { Length: > 0 } code ? "Avalon " + code : null;

    [GeneratedRegex(@"([A-Za-z_][A-Za-z0-9_ %]*?)\[([^\[\]]*)\]")]
    private static partial Regex BracketPair();
}
