using System.Text.Json;

namespace EdgeFed.Agent.Collectors.Parsing;

/// <summary>
/// MicroBT btminer API (v1/v2 on 4028): <c>summary</c> (MH/s rates, <c>Factory GHS</c>, <c>Power</c>, chip temps,
/// fan in/out, <c>Error Code N</c>), <c>devs</c> (one entry per hashboard slot), <c>pools</c>, <c>status</c>
/// (<c>mineroff</c>/<c>btmineroff</c>), <c>get_version</c>, <c>get_error_code</c>, and <c>devdetails</c> for the model.
/// </summary>
public static class WhatsminerParser
{
    public static MinerSample Parse(
        JsonElement summary, JsonElement? devs, JsonElement? pools, JsonElement? status, JsonElement? version, JsonElement? errorCodes, JsonElement? devdetails)
    {
        var s = CgminerReply.Section(summary, "SUMMARY");
        var modelName = devdetails?.First("DEVDETAILS")?.String("Model") is { } m ? (m.StartsWith("Whatsminer", StringComparison.OrdinalIgnoreCase) ? m : "Whatsminer " + m) : null;
        var model = ModelCatalog.Find(modelName);
        var statusMsg = Message(status);
        var off = statusMsg?.Bool("mineroff") ?? statusMsg?.Bool("btmineroff");
        var now = JsonFields.Ths(s.Double("MHS 5s") ?? s.Double("HS RT"), 1e-6);
        var (url, poolStatus, user) = CgminerReply.ActivePool(pools);
        var boards = devs?.Objects("DEVS").Select((d, i) => new HashboardSample
        {
            Index = d.Int("Slot") ?? d.Int("ASC") ?? i,
            Chips = d.Int("Effective Chips"),
            ExpectedChips = model?.ChipsPerBoard,
            DeadChips = model is not null && d.Int("Effective Chips") is { } chips ? Math.Max(0, model.ChipsPerBoard - chips) : null,
            ChipTempC = d.Double("Chip Temp Max") ?? d.Double("Chip Temp Avg"),
            BoardTempC = d.Double("Temperature"),
            HashrateThs = JsonFields.Ths(d.Double("MHS av"), 1e-6),
            HardwareErrors = d.Long("Hardware Errors"),
        }).ToList() ?? [];

        return new MinerSample
        {
            Endpoint = string.Empty,
            Family = MinerFamily.Whatsminer,
            Vendor = "MicroBT",
            Model = modelName,
            Firmware = (s.String("Firmware Version") ?? Message(version)?.String("fw_ver") ?? statusMsg?.String("FirmwareVersion") ?? statusMsg?.String("Firmware Version"))?.Trim('\''),
            State = off == true ? MiningState.Curtailed : now > 0 ? MiningState.Mining : MiningState.Off,
            HashrateThs = now,
            AverageThs = JsonFields.Ths(s.Double("MHS av"), 1e-6),
            NominalThs = JsonFields.Ths(s.Double("Factory GHS"), 1e-3) ?? model?.NominalThs,
            PowerW = s.Double("Power") ?? s.Double("Power_RT"),
            Boards = boards,
            FansRpm = new[] { s.Int("Fan Speed In"), s.Int("Fan Speed Out") }.Where(f => f > 0).Select(f => f!.Value).ToList(),
            AcceptedShares = s.Long("Accepted"),
            RejectedShares = s.Long("Rejected"),
            HardwareErrors = s.Long("Hardware Errors"),
            PoolUrl = url,
            PoolStatus = poolStatus,
            PoolUser = user,
            UptimeSeconds = s.Long("Uptime") ?? s.Long("Elapsed"),
            DeviceErrorCodes = ErrorCodes(s, errorCodes),
        };
    }

    /// <summary>btminer's own replies carry their payload in <c>Msg</c> with <c>Code</c> 131 for success.</summary>
    public static JsonElement? Message(JsonElement? reply) =>
        reply is { ValueKind: JsonValueKind.Object } r && r.TryGetProperty("Msg", out var msg) && msg.ValueKind == JsonValueKind.Object ? msg : null;

    private static List<string> ErrorCodes(JsonElement summary, JsonElement? errorCodes)
    {
        var codes = Enumerable.Range(0, summary.Int("Error Code Count") ?? 0)
            .Select(i => summary.String($"Error Code {i}")).OfType<string>().ToList();
        if (Message(errorCodes) is { } msg && msg.TryGetProperty("error_code", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            codes.AddRange(list.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object).SelectMany(e => e.EnumerateObject().Select(p => p.Name)));
        }

        return codes.Distinct().ToList();
    }
}
