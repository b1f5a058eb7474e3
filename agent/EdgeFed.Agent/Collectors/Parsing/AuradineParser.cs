using System.Text.Json;

namespace EdgeFed.Agent.Collectors.Parsing;

/// <summary>
/// Auradine Teraflux (GCMiner, FluxOS) on its CGMiner-compatible RPC: <c>summary</c> and <c>devs</c> (MH/s),
/// <c>temperature</c> (per hash board: board and chip sensors), <c>fan</c>, <c>psu</c> (values with units, "58.94W"),
/// <c>ipreport</c> (the model, "AT1500"), <c>asccount</c> (chips), <c>mode</c> (<c>Sleep: on</c> = curtailed).
/// </summary>
public static class AuradineParser
{
    public sealed record Replies(
        JsonElement Summary, JsonElement? Devs = null, JsonElement? Temperature = null, JsonElement? Fan = null, JsonElement? Psu = null,
        JsonElement? IpReport = null, JsonElement? AscCount = null, JsonElement? Mode = null, JsonElement? Pools = null, JsonElement? Version = null);

    public static MinerSample Parse(Replies r)
    {
        var s = CgminerReply.Section(r.Summary, "SUMMARY");
        var report = r.IpReport?.First("IPReport");
        var modelName = report?.String("model") is { } m ? "Auradine " + m : null;
        var model = ModelCatalog.Find(modelName);
        var count = r.AscCount?.First("ASCCount");
        int? chipsPerBoard = count?.Int("AsicCount") is { } asics && count.Value.Int("BoardCount") is > 0 and var boardCount ? asics / boardCount : null;
        var temps = r.Temperature?.Objects("Temperature").ToList() ?? [];
        var boards = (r.Devs?.Objects("DEVS") ?? []).Select((d, i) =>
        {
            var id = d.Int("ID") ?? i + 1;
            var sensors = temps.FirstOrDefault(t => t.Int("ID") == id && t.String("Name")?.StartsWith("Hash Board", StringComparison.OrdinalIgnoreCase) == true);
            return new HashboardSample
            {
                Index = id - 1,
                Chips = d.String("Status") == "Alive" ? chipsPerBoard : 0,
                ExpectedChips = model?.ChipsPerBoard ?? chipsPerBoard,
                ChipTempC = MaxOf(sensors, "ChipTemp"),
                BoardTempC = MaxOf(sensors, "BoardTemp") ?? d.Double("Temperature"),
                HashrateThs = JsonFields.Ths(d.Double("MHS 5s") ?? d.Double("MHS av"), 1e-6),
                HardwareErrors = d.Long("Hardware Errors"),
            };
        }).ToList();
        var mode = r.Mode?.First("Mode");
        var now = JsonFields.Ths(s.Double("MHS 5s") ?? s.Double("MHS 1m"), 1e-6);
        var (url, status, user) = CgminerReply.ActivePool(r.Pools);
        var flux = report?.String("version");

        return new MinerSample
        {
            Endpoint = string.Empty,
            Family = MinerFamily.Auradine,
            Vendor = "Auradine",
            Model = modelName,
            Firmware = flux is not null ? "FluxOS " + flux : r.Version?.First("VERSION")?.String("GCMiner") is { } gc ? "GCMiner " + gc : null,
            State = mode?.String("Sleep") == "on" ? MiningState.Curtailed : now > 0 ? MiningState.Mining : MiningState.Off,
            HashrateThs = now,
            AverageThs = JsonFields.Ths(s.Double("MHS av"), 1e-6),
            NominalThs = model?.NominalThs,
            PowerW = r.Psu?.First("PSU")?.LeadingNumber("PowerIn"),
            Boards = boards,
            FansRpm = (r.Fan?.Objects("Fan") ?? []).Select(f => f.Int("Speed")).Where(f => f > 0).Select(f => f!.Value).ToList(),
            AcceptedShares = s.Long("Accepted"),
            RejectedShares = s.Long("Rejected"),
            HardwareErrors = s.Long("Hardware Errors"),
            PoolUrl = url,
            PoolStatus = status,
            PoolUser = user,
            UptimeSeconds = s.Long("Elapsed"),
        };
    }

    private static double? MaxOf(JsonElement sensors, string list)
    {
        var values = sensors.Objects(list).Select(t => t.Double("Temperature")).OfType<double>().ToList();
        return values.Count > 0 ? Math.Round(values.Max(), 2) : null;
    }
}
