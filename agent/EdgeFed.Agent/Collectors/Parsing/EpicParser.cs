using System.Text.Json;

namespace EdgeFed.Agent.Collectors.Parsing;

/// <summary>
/// ePIC PowerPlay (on Antminers), HTTP JSON on port 4028: <c>GET /summary</c> (per-board <c>HBs[].Hashrate[0]</c> in
/// MH/s, <c>HBStatus</c> with boards disabled on failure, <c>Session</c> shares and average, PSU input power, fans,
/// <c>Status."Operating State"</c>), <c>/capabilities</c> (model, chips per board, default hashrate in TH/s) and
/// <c>/temps</c> (per board sensors) and <c>/hashrate</c> (per chip MH/s: a chip at 0 is a dead chip).
/// </summary>
public static class EpicParser
{
    public static bool IsSummary(JsonElement? reply) => reply?.At("Session") is not null && reply?.At("Software") is not null;

    public static MinerSample Parse(JsonElement summary, JsonElement? capabilities, JsonElement? temps, JsonElement? chipHashrates = null)
    {
        if (!IsSummary(summary))
        {
            throw new PollException(PollErrorKind.UnexpectedReply, "GET /summary has no Session or Software.");
        }

        var modelName = Normalise(capabilities?.String("Model"));
        var model = ModelCatalog.Find(modelName);
        int? chips = capabilities?.At("Performance Estimator")?.Int("Chip Count") ?? model?.ChipsPerBoard;
        var rates = summary.Objects("HBs").ToDictionary(b => b.Int("Index") ?? -1);
        var sensors = temps is { ValueKind: JsonValueKind.Array } t ? t.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object).ToDictionary(e => e.Int("Index") ?? -1) : [];
        var perChip = chipHashrates is { ValueKind: JsonValueKind.Array } ch
            ? ch.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("Data", out var d) && d.ValueKind == JsonValueKind.Array)
                .ToDictionary(e => e.Int("Index") ?? -1, e => e.GetProperty("Data").EnumerateArray()
                    .Select(c => c.ValueKind == JsonValueKind.Array && c.GetArrayLength() > 0 ? JsonFields.AsDouble(c[0]) : null).ToList())
            : [];
        var status = summary.Objects("HBStatus").ToList();
        var indexes = status.Count > 0 ? status.Where(b => b.Bool("Detected") != false).Select(b => b.Int("Index") ?? -1) : rates.Keys;
        var boards = indexes.Order().Select(i =>
        {
            var enabled = status.FirstOrDefault(b => b.Int("Index") == i) is { ValueKind: JsonValueKind.Object } st ? st.Bool("Enabled") != false : true;
            var rate = rates.TryGetValue(i, out var hb) ? hb : default;
            var data = sensors.TryGetValue(i, out var sensor) ? Numbers(sensor, "Data") : [];
            var chipRates = perChip.GetValueOrDefault(i);
            return new HashboardSample
            {
                Index = i,
                // ePIC disables a board that fails ("Disable Board On Failure"); per-chip rates count the chips that hash.
                Chips = !enabled ? 0 : chipRates is { Count: > 0 } ? chipRates.Count(r => r > 0) : chips,
                ExpectedChips = chips,
                DeadChips = enabled && chipRates is { Count: > 0 } ? chipRates.Count(r => r is not > 0) : null,
                ChipTempC = rate.ValueKind == JsonValueKind.Object ? rate.Double("Temperature") : data.Count > 0 ? data.Max() : null,
                BoardTempC = data.Count > 0 ? data.Min() : null,
                HashrateThs = rate.ValueKind == JsonValueKind.Object && Numbers(rate, "Hashrate") is [var mhs, ..] ? JsonFields.Ths(mhs, 1e-6) : enabled ? null : 0,
            };
        }).ToList();
        var session = summary.At("Session")!.Value;
        var fans = summary.At("Fans Rpm") is { ValueKind: JsonValueKind.Object } f
            ? f.EnumerateObject().OrderBy(p => int.TryParse(p.Name.Split(' ')[^1], out var n) ? n : 99).Select(p => JsonFields.AsDouble(p.Value)).Where(r => r > 0).Select(r => (int)r!.Value).ToList()
            : [];
        var now = boards.Any(b => b.HashrateThs is not null) ? Math.Round(boards.Sum(b => b.HashrateThs ?? 0), 6) : (double?)null;
        var state = summary.At("Status")?.String("Operating State") ?? string.Empty;
        var stratum = summary.At("Stratum");
        var pool = stratum?.String("Current Pool");

        return new MinerSample
        {
            Endpoint = string.Empty,
            Family = MinerFamily.Epic,
            Vendor = model?.Vendor ?? (modelName?.StartsWith("Antminer", StringComparison.OrdinalIgnoreCase) == true ? "Bitmain" : null),
            Model = modelName,
            Firmware = summary.String("Software"),
            State = state.StartsWith("Idl", StringComparison.OrdinalIgnoreCase) || state.StartsWith("Sleep", StringComparison.OrdinalIgnoreCase) ? MiningState.Curtailed
                : now > 0 ? MiningState.Mining : MiningState.Off,
            HashrateThs = now,
            AverageThs = JsonFields.Ths(session.Double("Average MHs"), 1e-6),
            NominalThs = capabilities?.Double("Default Hashrate") ?? model?.NominalThs,
            PowerW = summary.At("Power Supply Stats")?.Double("Input Power"),
            Boards = boards,
            FansRpm = fans,
            AcceptedShares = session.Long("Accepted"),
            RejectedShares = session.Long("Rejected"),
            PoolUrl = pool is null ? null : pool.Contains("://", StringComparison.Ordinal) ? pool : "stratum+tcp://" + pool,
            PoolStatus = stratum?.Bool("IsPoolConnected") switch { true => "Alive", false => "Dead", _ => null },
            PoolUser = stratum?.String("Current User"),
            UptimeSeconds = session.Long("Uptime"),
        };
    }

    /// <summary>ePIC writes "AntMiner S19 XP".</summary>
    private static string? Normalise(string? model) =>
        model is not null && model.StartsWith("AntMiner", StringComparison.Ordinal) ? "Antminer" + model["AntMiner".Length..] : model;

    private static List<double> Numbers(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().Select(JsonFields.AsDouble).OfType<double>().ToList()
            : [];
}
