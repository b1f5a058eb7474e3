using System.Text.Json;

namespace EdgeFed.Agent.Collectors.Parsing;

/// <summary>
/// Braiins OS's older web API, GraphQL on <c>POST /graphql</c> (BOS 21.09 to 25.05 in the real captures): the
/// queries EdgeFed sends (their shapes are the captures' shapes) and their <c>data</c> into a sample. MH/s rates;
/// per hash chain (<c>childSolvers</c>) chips and board/chip temperatures; fans; approximate power; pool groups. The
/// API names no model: the miner-model classifier infers it.
/// </summary>
public static class BraiinsGraphqlParser
{
    public const string SystemQuery =
        "{ bos { faultLight hostname info { version { full } } uptime { durationS } } bosminer { info { fans { name rpm speed } " +
        "summary { power { approxConsumptionW limitW } } workSolver { nominalMhs realHashrate { mhs5S } } } } }";

    public const string BoardsQuery =
        "{ bosminer { info { workSolver { childSolvers { name nominalMhs realHashrate { mhs5S } hwDetails { chips frequencyMhz voltageV } " +
        "temperatures { degreesC name } } } } } }";

    public const string PoolsQuery =
        "{ bosminer { config { groups { id strategy { quota } } } info { poolGroups { name pools { active shares { acceptedSolutions rejectedSolutions } " +
        "status url user } } } } }";

    /// <summary>The answer to <see cref="SystemQuery"/> (or a reply holding it under <c>data</c>).</summary>
    public static bool IsSystem(JsonElement? data) => Data(data)?.At("bos", "info", "version") is not null;

    public static MinerSample Parse(JsonElement system, JsonElement? boards, JsonElement? pools)
    {
        var sys = Data(system) ?? throw new PollException(PollErrorKind.UnexpectedReply, "GraphQL system reply has no data.");
        var info = sys.At("bosminer", "info") ?? throw new PollException(PollErrorKind.UnexpectedReply, "GraphQL system reply has no bosminer.info.");
        var solver = info.At("workSolver");
        var now = JsonFields.Ths(solver?.At("realHashrate")?.Double("mhs5S"), 1e-6);
        var chains = Data(boards)?.At("bosminer", "info", "workSolver") is { } ws ? ws.Objects("childSolvers").ToList() : [];
        var poolList = Data(pools)?.At("bosminer", "info") is { } pi ? pi.Objects("poolGroups").SelectMany(g => g.Objects("pools")).ToList() : [];
        var active = poolList.OrderBy(p => p.Bool("active") == true ? 0 : 1).ThenBy(p => p.String("status") == "ALIVE" ? 0 : 1).FirstOrDefault();
        // Sensors are named "Chip"/"Board" (21.09-24.09) or "MAX_CHIP"/"MAX_BOARD" with INLET/OUTLET (25.x).
        double? Temp(JsonElement chain, string name) =>
            chain.Objects("temperatures").Where(t => t.String("name")?.Contains(name, StringComparison.OrdinalIgnoreCase) == true).Select(t => t.Double("degreesC")).Max();

        return new MinerSample
        {
            Endpoint = string.Empty,
            Family = MinerFamily.BraiinsOsGraphql,
            Vendor = "Bitmain", // Braiins OS runs on Antminers
            Firmware = sys.At("bos", "info", "version")?.String("full") is { } v ? "Braiins OS " + v : null,
            State = now > 0 ? MiningState.Mining : MiningState.Off,
            HashrateThs = now,
            NominalThs = JsonFields.Ths(solver?.Double("nominalMhs"), 1e-6),
            PowerW = info.At("summary", "power")?.Double("approxConsumptionW"),
            Boards = chains.Select((c, i) => new HashboardSample
            {
                Index = int.TryParse(c.String("name"), out var n) ? n : i,
                Chips = c.At("hwDetails")?.Int("chips"),
                ChipTempC = Temp(c, "Chip"),
                BoardTempC = Temp(c, "Board"),
                HashrateThs = JsonFields.Ths(c.At("realHashrate")?.Double("mhs5S"), 1e-6),
            }).ToList(),
            FansRpm = info.Objects("fans").Select(f => f.Int("rpm")).Where(r => r > 0).Select(r => r!.Value).ToList(),
            AcceptedShares = poolList.Count > 0 ? poolList.Sum(p => p.At("shares")?.Long("acceptedSolutions") ?? 0) : null,
            RejectedShares = poolList.Count > 0 ? poolList.Sum(p => p.At("shares")?.Long("rejectedSolutions") ?? 0) : null,
            PoolUrl = active.ValueKind == JsonValueKind.Object ? active.String("url") : null,
            PoolStatus = active.ValueKind == JsonValueKind.Object ? active.String("status") : null,
            PoolUser = active.ValueKind == JsonValueKind.Object ? active.String("user") : null,
            UptimeSeconds = sys.At("bos", "uptime")?.Long("durationS"),
        };
    }

    /// <summary>A saved reply keeps the envelope (<c>{"data": ...}</c>); a live query's <c>data</c> has none.</summary>
    private static JsonElement? Data(JsonElement? reply) => reply?.At("data") ?? reply;
}
