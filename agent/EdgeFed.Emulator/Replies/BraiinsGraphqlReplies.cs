using System.Text.Json.Nodes;
using EdgeFed.Agent.Collectors.Parsing;

namespace EdgeFed.Emulator.Replies;

/// <summary>
/// Braiins OS's GraphQL web API for the queries the agent sends (the emulator knows those three, as a fixed-schema
/// stand-in, not a GraphQL engine), shaped like braiins/v21_09..v25_05/gql_*.json.
/// </summary>
public static class BraiinsGraphqlReplies
{
    public static JsonObject? Render(string query, EmulatedMiner miner, MinerTruth truth)
    {
        static JsonObject Mhs(double ths) => new() { ["mhs5S"] = Math.Round(ths * 1e6, 3) };
        if (query == BraiinsGraphqlParser.SystemQuery || query.Contains("bos {", StringComparison.Ordinal) && query.Contains("version", StringComparison.Ordinal))
        {
            return new JsonObject
            {
                ["bos"] = new JsonObject
                {
                    ["faultLight"] = false, ["hostname"] = $"bos-{miner.Id:D4}",
                    ["info"] = new JsonObject { ["version"] = new JsonObject { ["full"] = "2024-10-17-0-75912fc7-24.09-plus" } },
                    ["uptime"] = new JsonObject { ["durationS"] = truth.UptimeSeconds },
                },
                ["bosminer"] = new JsonObject
                {
                    ["info"] = new JsonObject
                    {
                        ["fans"] = new JsonArray(truth.FansRpm.Select((rpm, i) => (JsonNode)new JsonObject { ["name"] = $"{i}", ["rpm"] = rpm, ["speed"] = 100 }).ToArray()),
                        ["summary"] = new JsonObject { ["power"] = new JsonObject { ["approxConsumptionW"] = (int)truth.PowerW, ["limitW"] = (int)miner.Model.PowerW } },
                        ["workSolver"] = new JsonObject { ["nominalMhs"] = Math.Round(truth.NominalThs * 1e6, 1), ["realHashrate"] = Mhs(truth.HashrateThs) },
                    },
                },
            };
        }

        if (query == BraiinsGraphqlParser.BoardsQuery)
        {
            return new JsonObject
            {
                ["bosminer"] = new JsonObject
                {
                    ["info"] = new JsonObject
                    {
                        ["workSolver"] = new JsonObject
                        {
                            ["childSolvers"] = new JsonArray(truth.Boards.Select((b, i) => (JsonNode)new JsonObject
                            {
                                ["name"] = $"{i + 1}",
                                ["nominalMhs"] = Math.Round(truth.NominalThs / truth.Boards.Count * 1e6, 1),
                                ["realHashrate"] = Mhs(b.HashrateThs),
                                ["hwDetails"] = new JsonObject { ["chips"] = b.Chips, ["frequencyMhz"] = 600.0, ["voltageV"] = 13.4 },
                                ["temperatures"] = new JsonArray(new JsonObject { ["degreesC"] = b.BoardTempC, ["name"] = "Board" }, new JsonObject { ["degreesC"] = b.ChipTempC, ["name"] = "Chip" }),
                            }).ToArray()),
                        },
                    },
                },
            };
        }

        return query == BraiinsGraphqlParser.PoolsQuery
            ? new JsonObject
            {
                ["bosminer"] = new JsonObject
                {
                    ["config"] = new JsonObject { ["groups"] = new JsonArray(new JsonObject { ["id"] = "0", ["strategy"] = new JsonObject { ["quota"] = 1 } }) },
                    ["info"] = new JsonObject
                    {
                        ["poolGroups"] = new JsonArray(new JsonObject
                        {
                            ["name"] = "default",
                            ["pools"] = new JsonArray(new JsonObject
                            {
                                ["active"] = true, ["status"] = truth.Answers ? "ALIVE" : "DEAD", ["url"] = miner.PoolUrl, ["user"] = miner.PoolUser,
                                ["shares"] = new JsonObject { ["acceptedSolutions"] = truth.AcceptedShares, ["rejectedSolutions"] = truth.RejectedShares },
                            }),
                        }),
                    },
                },
            }
            : null;
    }
}
