using System.Text.Json;

namespace EdgeFed.Agent.Collectors.Parsing;

/// <summary>AxeOS <c>/api/system/info</c>: <c>hashRate</c> (GH/s), <c>power</c> (W), <c>temp</c>, <c>vrTemp</c>, <c>fanrpm</c>, stratum settings.</summary>
public static class BitaxeParser
{
    public static MinerSample Parse(JsonElement info)
    {
        if (info.ValueKind != JsonValueKind.Object || !info.TryGetProperty("hashRate", out _))
        {
            throw new PollException(PollErrorKind.UnexpectedReply, "system/info has no hashRate.");
        }

        var modelName = ModelCatalog.BitaxeByAsic(info.String("ASICModel")) ?? (info.String("ASICModel") is { } asic ? "Bitaxe " + asic : null);
        var now = JsonFields.Ths(info.Double("hashRate"), 1e-3);
        var fallback = info.Int("isUsingFallbackStratum") == 1;
        var host = info.String(fallback ? "fallbackStratumURL" : "stratumURL");
        var port = info.Int(fallback ? "fallbackStratumPort" : "stratumPort");
        var chips = info.Int("asicCount");

        return new MinerSample
        {
            Endpoint = string.Empty,
            Family = MinerFamily.Bitaxe,
            Vendor = "Bitaxe/open-source",
            Model = modelName,
            Firmware = info.String("version"),
            State = now > 0 ? MiningState.Mining : MiningState.Off,
            HashrateThs = now,
            NominalThs = ModelCatalog.Find(modelName)?.NominalThs,
            PowerW = info.Double("power"),
            Boards = [new HashboardSample { Index = 0, Chips = chips, ExpectedChips = chips, ChipTempC = info.Double("temp"), BoardTempC = info.Double("vrTemp"), HashrateThs = now }],
            FansRpm = info.Int("fanrpm") is > 0 and var rpm ? [rpm] : [],
            AcceptedShares = info.Long("sharesAccepted"),
            RejectedShares = info.Long("sharesRejected"),
            PoolUrl = host is null ? null : port is null ? host : $"stratum+tcp://{host}:{port}",
            PoolStatus = info.String("wifiStatus") is { } wifi && wifi.StartsWith("Connected", StringComparison.Ordinal) ? "Alive" : null,
            PoolUser = info.String(fallback ? "fallbackStratumUser" : "stratumUser"),
            UptimeSeconds = info.Long("uptimeSeconds"),
        };
    }
}
